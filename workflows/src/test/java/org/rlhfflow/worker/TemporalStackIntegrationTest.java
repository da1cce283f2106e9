package org.rlhfflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rlhfflow.config.RlhfConfig;

/**
 * Runs a workflow on the real Temporal dev server through {@link WorkerHost}, then asks the Temporal
 * CLI, as a user would, whether the server recorded it as completed.
 */
@Tag("integration")
class TemporalStackIntegrationTest {
  private static final String COMPLETED = "WORKFLOW_EXECUTION_STATUS_COMPLETED";

  public record ShoutInput(String text) {}

  public record ShoutResult(String text) {}

  @ActivityInterface
  public interface ShoutActivities {
    ShoutResult shout(ShoutInput input);
  }

  public static final class ShoutActivitiesImpl implements ShoutActivities {
    @Override
    public ShoutResult shout(ShoutInput input) {
      return new ShoutResult(input.text().toUpperCase(Locale.ROOT) + "!");
    }
  }

  @WorkflowInterface
  public interface ShoutWorkflow {
    @WorkflowMethod
    ShoutResult run(ShoutInput input);
  }

  public static final class ShoutWorkflowImpl implements ShoutWorkflow {
    // A trivial activity: it answers in milliseconds, so a short timeout only bounds a hang.
    private final ShoutActivities activities =
        Workflow.newActivityStub(
            ShoutActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

    @Override
    public ShoutResult run(ShoutInput input) {
      return activities.shout(input);
    }
  }

  @Test
  void workflowCompletesOnTheDevServerAndTheCliListsIt() throws Exception {
    RlhfConfig env = RlhfConfig.fromEnv();
    assertNotNull(env.temporalAddress(), "RLHF_TEMPORAL_ADDRESS is not set: run this through ./test.sh");
    String cli = System.getenv("RLHF_TEMPORAL_CLI");
    assertNotNull(cli, "RLHF_TEMPORAL_CLI (path of the temporal binary) is not set: run this through ./test.sh");

    // A queue and id of our own: other runs against the same server never steal these tasks.
    String suffix = UUID.randomUUID().toString();
    String queue = "it-shout-" + suffix;
    String workflowId = "it-shout-wf-" + suffix;
    RlhfConfig config = new RlhfConfig(env.temporalAddress(), env.namespace(), env.s3Endpoint(),
        env.s3AccessKey(), env.s3SecretKey(), env.bucket(), env.mlflowUri(), List.of(queue), env.home());
    Registrar registrar = (worker, taskQueue, cfg) -> {
      worker.registerWorkflowImplementationTypes(ShoutWorkflowImpl.class);
      worker.registerActivitiesImplementations(new ShoutActivitiesImpl());
    };

    try (WorkerHost host = WorkerHost.start(config, registrar, Duration.ofSeconds(10))) {
      ShoutWorkflow workflow = host.client().newWorkflowStub(ShoutWorkflow.class,
          WorkflowOptions.newBuilder()
              .setTaskQueue(queue)
              .setWorkflowId(workflowId)
              .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
              .build());
      assertEquals(new ShoutResult("HELLO RLHF!"), workflow.run(new ShoutInput("hello rlhf")));
    }

    JsonNode described = temporal(cli, config, "workflow", "describe", "--workflow-id", workflowId);
    assertEquals(COMPLETED, described.path("workflowExecutionInfo").path("status").asText(), described.toString());
    assertEquals(workflowId, listedStatusOf(cli, config, workflowId).path("execution").path("workflowId").asText());
  }

  /** Polls `temporal workflow list` a bounded number of times: visibility may trail the history. */
  private static JsonNode listedStatusOf(String cli, RlhfConfig config, String workflowId) throws Exception {
    String query = "WorkflowId='" + workflowId + "' AND ExecutionStatus='Completed'";
    JsonNode listed = null;
    for (int attempt = 0; attempt < 30; attempt++) {
      listed = temporal(cli, config, "workflow", "list", "--query", query);
      if (listed.isArray() && listed.size() == 1) {
        assertEquals(COMPLETED, listed.get(0).path("status").asText(), listed.toString());
        return listed.get(0);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("temporal workflow list never showed " + workflowId + " as completed: " + listed);
  }

  private static JsonNode temporal(String cli, RlhfConfig config, String... args) throws Exception {
    return TemporalCli.run(cli, config, args);
  }
}
