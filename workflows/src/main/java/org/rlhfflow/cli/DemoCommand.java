package org.rlhfflow.cli;

import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;
import org.rlhfflow.tracking.ReportRenderer;
import org.rlhfflow.worker.EmbeddedTemporal;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;
import org.rlhfflow.workflows.WeakToStrongWorkflow.W2sInput;
import org.rlhfflow.workflows.WeakToStrongWorkflow.W2sResult;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rlhf demo}: the whole pipeline on this machine with no services to set up: in-process
 * Temporal, artifacts in {@code OUT/artifacts}, metrics in {@code OUT/metrics}. Running it again with
 * the same OUT reuses the completed stages; {@code --force all} recomputes them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run an experiment end to end in-process (embedded Temporal, local artifacts and metrics).")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--experiment", defaultValue = "experiments/demo.yaml", paramLabel = "FILE",
      description = "Experiment spec (default: ${DEFAULT-VALUE}).")
  Path experiment;

  @Option(names = "--seed", paramLabel = "N", description = "Override the spec's seed.")
  Long seed;

  @Option(names = "--out", defaultValue = ".rlhf/demo", paramLabel = "DIR",
      description = "Artifacts, metrics, report and summary.json go here (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--force", split = ",", paramLabel = "STAGE",
      description = "Recompute these stages even if cached (collect, sft, reward_model, ppo, dpo, grpo, rloo, evaluate, all).")
  List<String> force = List.of();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(experiment)) {
      err.println("rlhf demo: no experiment file at " + experiment.toAbsolutePath());
      return 2;
    }
    String yaml = Files.readString(experiment);
    Files.createDirectories(out);
    long start = System.nanoTime();
    try (StageServices services = new StageServices(new LocalArtifactStore(out.resolve("artifacts")),
            new LocalTracker(out.resolve("metrics")), out.resolve("scratch"));
        EmbeddedTemporal temporal = new EmbeddedTemporal(services)) {
      String id = "demo-" + stem(experiment) + (seed == null ? "" : "-seed" + seed) + "-" + System.currentTimeMillis();
      console.println("rlhf demo: " + experiment + " -> " + out.toAbsolutePath() + " (workflow " + id + ")");
      if (isWeakToStrong(yaml)) {
        return weakToStrong(temporal, services, id, yaml, console, err, start);
      }
      WorkflowStub stub = PipelineConsole.start(temporal.client(), id, RlhfConfig.CPU_QUEUE,
          new PipelineInput(experiment.toString(), yaml, seed, force));
      PipelineResult result;
      try {
        result = PipelineConsole.watch(temporal.client(), stub, console);
      } catch (ExecutionException e) {
        err.println("rlhf demo: failed: " + PipelineConsole.rootMessage(e));
        return 1;
      } catch (WorkflowException e) {
        err.println("rlhf demo: failed: " + PipelineConsole.rootMessage(e));
        return 1;
      }
      Path summary = out.resolve("summary.json");
      Files.deleteIfExists(summary);
      services.store().get(result.summaryJson(), summary);
      ReportRenderer.Report report = ReportRenderer.render(out.resolve("metrics"), out.resolve("report"));
      PipelineConsole.printSummary(console, result.summary());
      console.println();
      console.println("summary: " + summary.toAbsolutePath());
      console.println("plots:   " + out.resolve("report").toAbsolutePath() + " (" + report.charts().size() + " charts)");
      console.printf("total:   %.1f s%n", PipelineConsole.sinceNanos(start).toMillis() / 1000.0);
      console.flush();
      return 0;
    }
  }

  private boolean isWeakToStrong(String yaml) {
    try {
      return SpecLoader.parse(yaml, experiment.toString()).runsWeakToStrong();
    } catch (RuntimeException e) {
      return false; // a bad spec fails in the pipeline's first activity, with file:line
    }
  }

  /** The WeakToStrong sweep: summary.json and the report's table and plots land in OUT. */
  private int weakToStrong(EmbeddedTemporal temporal, StageServices services, String id, String yaml,
      PrintWriter console, PrintWriter err, long start) throws Exception {
    WorkflowStub stub = W2sConsole.start(temporal.client(), id, RlhfConfig.CPU_QUEUE,
        new W2sInput(experiment.toString(), yaml, seed, force));
    W2sResult result;
    try {
      result = W2sConsole.watch(stub, console);
    } catch (ExecutionException | WorkflowException e) {
      err.println("rlhf demo: failed: " + PipelineConsole.rootMessage(e));
      return 1;
    }
    Path summary = out.resolve("summary.json");
    Files.deleteIfExists(summary);
    services.store().get(result.summaryJson(), summary);
    services.store().getDirectory(result.report(), out.resolve("report"));
    W2sConsole.printSummary(console, result.summary());
    console.println();
    console.println("summary: " + summary.toAbsolutePath());
    console.println("report:  " + out.resolve("report").toAbsolutePath() + " (table and plots)");
    console.printf("total:   %.1f s%n", PipelineConsole.sinceNanos(start).toMillis() / 1000.0);
    console.flush();
    return 0;
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

}
