package org.rlhfflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflow;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflowImpl;

/**
 * The README's {@code temporal workflow update execute --name rank} on the dev server: a good
 * ranking counts, a bad one is turned down by the validator and leaves no trace in history.
 */
@Tag("integration")
class HumanFeedbackCliIntegrationTest {

  @Test
  void theTemporalCliRanksThroughTheValidatedUpdate() throws Exception {
    RlhfConfig env = RlhfConfig.fromEnv();
    assertNotNull(env.temporalAddress(), "RLHF_TEMPORAL_ADDRESS is not set: run this through ./test.sh");
    String cli = System.getenv("RLHF_TEMPORAL_CLI");
    assertNotNull(cli, "RLHF_TEMPORAL_CLI (path of the temporal binary) is not set: run this through ./test.sh");
    String suffix = UUID.randomUUID().toString();
    String queue = "it-label-" + suffix;
    String id = "it-label-" + suffix + "-label-0";
    RlhfConfig config = new RlhfConfig(env.temporalAddress(), env.namespace(), env.s3Endpoint(),
        env.s3AccessKey(), env.s3SecretKey(), env.bucket(), env.mlflowUri(), List.of(queue), env.home());
    Registrar registrar = (worker, taskQueue, cfg) ->
        worker.registerWorkflowImplementationTypes(HumanFeedbackWorkflowImpl.class);
    try (WorkerHost host = WorkerHost.start(config, registrar, Duration.ofSeconds(10))) {
      WorkflowClient.start(host.client().newWorkflowStub(HumanFeedbackWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(queue).setWorkflowId(id).setWorkflowExecutionTimeout(Duration.ofMinutes(2)).build())::run,
          new FeedbackInput(id, new ArtifactRef("file:///none", "0".repeat(64), 0), List.of("p00000"), 2, 1,
              List.of("alice"), 600, 1, 1000, null));

      String bad = run(cli, config, "workflow", "update", "execute", "--workflow-id", id, "--name", "rank",
          "--update-id", "alice:p00000", "--input", "{\"annotator\":\"alice\",\"item\":\"p00000\",\"ranks\":[1,2,3]}");
      assertTrue(bad.contains("K = 2"), bad);
      String good = run(cli, config, "workflow", "update", "execute", "--workflow-id", id, "--name", "rank",
          "--update-id", "alice:p00000",
          "--input", "{\"annotator\":\"alice\",\"item\":\"p00000\",\"ranks\":[2,1],\"flag\":\"\"}");
      assertTrue(good.contains("itemsDone"), good);

      FeedbackResult r = host.client().newUntypedWorkflowStub(id).getResult(FeedbackResult.class);
      assertEquals(1, r.rankings().size());
      assertEquals(List.of(2, 1), r.rankings().get(0).ranks());
      JsonNode history = TemporalCli.run(cli, config, "workflow", "show", "--workflow-id", id);
      String events = history.toString();
      assertEquals(1, count(events, "WORKFLOW_EXECUTION_UPDATE_ACCEPTED"), "the rejected update left no event");
      assertNotEquals(-1, events.indexOf("alice"));
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** The CLI's output, success or not (a rejected update exits non-zero). */
  private static String run(String cli, RlhfConfig config, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(cli));
    command.addAll(List.of(args));
    command.addAll(List.of("--address", config.temporalAddress(), "--namespace", config.namespace()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
