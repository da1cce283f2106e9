package org.rlhfflow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.label.LabelServer;
import org.rlhfflow.label.SimulatedAnnotators;
import org.rlhfflow.label.Tokens;
import org.rlhfflow.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rlhf label}: the labelling web app and its annotator tokens. */
@Command(name = "label", mixinStandardHelpOptions = true, description = "Human labelling: web app and tokens.",
    subcommands = {LabelCommand.Serve.class, LabelCommand.Token.class})
public final class LabelCommand {
  /** Where tokens live unless --tokens or RLHF_LABEL_TOKENS says otherwise. */
  static Path tokensFile(Path option) {
    if (option != null) {
      return option;
    }
    String env = System.getenv("RLHF_LABEL_TOKENS");
    return Path.of(env != null ? env : ".rlhf/label-tokens.jsonl");
  }

  /** The guidelines file's Markdown, or the built-in guidelines. */
  static String guidelines(Path file) throws IOException {
    if (file != null) {
      return Files.readString(file);
    }
    try (InputStream in = LabelServer.class.getResourceAsStream("/org/rlhfflow/label/guidelines.md")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve the labelling pages for the HumanFeedback batches of the given pipelines.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--workflow", required = true, split = ",", paramLabel = "PIPELINE_ID",
        description = "Pipeline workflow ids whose batches to serve.")
    List<String> pipelines;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}).") int port;

    @Option(names = "--tokens", paramLabel = "FILE",
        description = "Tokens file (env RLHF_LABEL_TOKENS, default .rlhf/label-tokens.jsonl).")
    Path tokens;

    @Option(names = "--guidelines", paramLabel = "FILE", description = "Markdown guidelines shown beside items.")
    Path guidelines;

    @Option(names = "--simulated-annotators", defaultValue = "0", paramLabel = "N",
        description = "Also start N simulated annotators that rank through the HTTP API.")
    int simulated;

    @Option(names = "--task", defaultValue = "digits", description = "Oracle of the simulated annotators.")
    String task;

    @Mixin TemporalOptions temporal;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Tokens t = Tokens.load(tokensFile(tokens));
      try (StageServices services = StageServices.fromConfig(RlhfConfig.fromEnv());
          LabelServer server = LabelServer.start(temporal.connect(), services.store(), t, pipelines,
              guidelines(guidelines), port)) {
        String url = "http://localhost:" + server.port();
        out.println("rlhf label: serving " + pipelines + " at " + url + " (annotators: " + t.annotators() + ")");
        out.flush();
        SimulatedAnnotators sims = simulated > 0
            ? SimulatedAnnotators.start(url, t, Task.named(task), simulated, 0) : null;
        new CountDownLatch(1).await(); // until the process is stopped; the app holds no state to save
        if (sims != null) {
          sims.close();
        }
      }
      return 0;
    }
  }

  @Command(name = "token", mixinStandardHelpOptions = true, description = "Annotator tokens.",
      subcommands = {Create.class})
  static final class Token {}

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Make a token for an annotator, store its digest and print the login link once.")
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Annotator id (letters, digits, . _ -).")
    String name;

    @Option(names = "--batches", defaultValue = "*", paramLabel = "GLOB",
        description = "Batch ids the token may label, e.g. 'demo-human-*' (default: any).")
    String batches;

    @Option(names = "--tokens", paramLabel = "FILE",
        description = "Tokens file (env RLHF_LABEL_TOKENS, default .rlhf/label-tokens.jsonl).")
    Path tokens;

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "Base URL of rlhf label serve.")
    String url;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Path file = tokensFile(tokens);
      String token = Tokens.create(file, name, batches);
      PrintWriter out = spec.commandLine().getOut();
      out.println("annotator: " + name + " (batches " + batches + "; digest stored in " + file + ")");
      out.println("login:     " + url + "/login?token=" + token);
      out.flush();
      return 0;
    }
  }
}
