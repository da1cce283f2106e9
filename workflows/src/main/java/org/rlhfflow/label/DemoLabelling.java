package org.rlhfflow.label;

import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rlhfflow.activities.collect.PreferenceSpec;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactStore;
import org.rlhfflow.tasks.Task;

/**
 * The labelling side of {@code rlhf demo} for {@code preferences.source: human}: the web app beside
 * the embedded Temporal, and either N simulated annotators or login links printed for people.
 */
public final class DemoLabelling implements AutoCloseable {
  /** Annotators who get a login link when no simulated ones are asked for. */
  static final int PEOPLE = 3;

  private final LabelServer server;
  private final SimulatedAnnotators sims;

  private DemoLabelling(LabelServer server, SimulatedAnnotators sims) {
    this.server = server;
    this.sims = sims;
  }

  /** Null unless the spec asks for human preferences. */
  public static DemoLabelling startIfHuman(String yaml, String path, WorkflowClient client, ArtifactStore store,
      String pipelineId, int simulated, Integer port, PrintWriter console) throws IOException {
    ExperimentSpec spec;
    try {
      spec = SpecLoader.parse(yaml, path);
    } catch (RuntimeException e) {
      return null; // the pipeline's resolve step reports the bad spec, as for every other source
    }
    if (spec.preferences().source() != PreferenceSpec.Source.HUMAN) {
      return null;
    }
    Tokens tokens = new Tokens();
    LabelServer server = LabelServer.start(client, store, tokens, List.of(pipelineId),
        guidelines(spec.preferences().human().guidelines()),
        port != null ? port : spec.preferences().human().uiPort());
    String url = "http://localhost:" + server.port();
    console.println("labelling: " + url + " (batches " + pipelineId + "-label-*)");
    SimulatedAnnotators sims = null;
    if (simulated > 0) {
      sims = SimulatedAnnotators.start(url, tokens, Task.named(spec.task().name()), simulated, spec.seed());
      console.println("labelling: " + simulated + " simulated annotators rank through the web app");
    } else {
      for (int i = 1; i <= PEOPLE; i++) {
        console.println("login:     " + url + "/login?token=" + tokens.add("annotator-" + i, "*")
            + "  (annotator-" + i + ")");
      }
      console.println("labelling: waiting for people; the pipeline continues when the batches reach quorum");
    }
    console.flush();
    return new DemoLabelling(server, sims);
  }

  static String guidelines(String file) throws IOException {
    if (file != null) {
      return Files.readString(Path.of(file));
    }
    try (InputStream in = DemoLabelling.class.getResourceAsStream("/org/rlhfflow/label/guidelines.md")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() throws InterruptedException {
    if (sims != null) {
      sims.close();
    }
    server.close();
  }
}
