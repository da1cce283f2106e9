package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * Issue 9's {@code temporal workflow reset} rehearsal on the real stack: a finished pipeline is
 * reset with the Temporal CLI to the workflow task that scheduled the reward model, the new run
 * recomputes the reward model, PPO and the evaluation, writes no object of the store over, and
 * ends with the same artifacts (sha256) and figures as the original run.
 */
@Tag("integration")
class WorkflowResetIntegrationTest {
  private static final long SEED = 23;

  @TempDir Path tmp;

  @Test
  void resettingAFinishedRunToBeforeTheRewardModelRecomputesTheSameArtifactsAndOverwritesNothing()
      throws Exception {
    String cli = System.getenv("RLHF_TEMPORAL_CLI");
    assertNotNull(cli, "RLHF_TEMPORAL_CLI is not set: run this through ./test.sh");
    String id = DurabilityStack.unique("dur-reset"); // the workflow id is the task queue
    try (DurabilityStack stack = new DurabilityStack();
        WorkerProcess worker = WorkerProcess.start(tmp.resolve("worker"), id, Map.of())) {
      // force: every stage computes, so the reset run recomputes instead of reusing manifests
      WorkflowStub original = stack.start("it-small.yaml", id, id, SEED, List.of("all"));
      PipelineResult before = original.getResult(20, TimeUnit.MINUTES, PipelineResult.class);
      String originalRun = original.getExecution().getRunId();
      Map<String, String[]> objects = objects(stack);

      long eventId = workflowTaskBeforeRewardModel(stack, id, originalRun);
      Process reset = new ProcessBuilder(cli, "workflow", "reset", "--workflow-id", id, "--run-id", originalRun,
          "--event-id", Long.toString(eventId), "--reason", "issue 9 reset rehearsal",
          "--address", stack.env.temporalAddress(), "--namespace", stack.env.namespace())
          .redirectErrorStream(true).start();
      String said = new String(reset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, reset.waitFor(), said);

      String resetRun = latestRun(stack, id);
      assertNotEquals(originalRun, resetRun, "the reset made no new run: " + said);
      PipelineResult after = stack.client.newUntypedWorkflowStub(id, Optional.of(resetRun), Optional.empty())
          .getResult(20, TimeUnit.MINUTES, PipelineResult.class);
      System.out.println("RESET event_id=" + eventId + " original_run=" + originalRun + " reset_run=" + resetRun);

      for (String stage : List.of(RewardModelStage.NAME, "ppo", "evaluate")) {
        assertFalse(after.stages().get(stage).reused(), stage + " was reused, not recomputed, by the reset run");
      }
      assertEquals(outputs(before), outputs(after), "artifact sha256s of the original and the reset run");
      assertEquals(figures(before), figures(after), "metrics of the original and the reset run");
      assertEquals(withoutWalls(before.summary()), withoutWalls(after.summary()), "summary figures");

      Map<String, String[]> now = objects(stack);
      objects.forEach((key, was) -> {
        String[] is = now.get(key);
        assertNotNull(is, key + " disappeared");
        assertEquals(was[0], is[0], key + " was replaced: ETag " + was[0] + " -> " + is[0]);
        assertEquals(was[1], is[1], key + " was rewritten: last-modified " + was[1] + " -> " + is[1]);
      });
    }
  }

  /** The run id of the workflow's current (latest) run, as the server describes it. */
  private static String latestRun(DurabilityStack stack, String id) {
    return stack.client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace(stack.env.namespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build())
        .getWorkflowExecutionInfo().getExecution().getRunId();
  }

  /**
   * The WorkflowTaskCompleted whose commands scheduled the RewardModel activity: resetting to it
   * re-runs that workflow task, so the reward model and everything after it run again.
   */
  private static long workflowTaskBeforeRewardModel(DurabilityStack stack, String id, String runId) {
    for (HistoryEvent e : stack.client.fetchHistory(id, runId).getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("RewardModel")) {
        return e.getActivityTaskScheduledEventAttributes().getWorkflowTaskCompletedEventId();
      }
    }
    throw new AssertionError("no RewardModel activity in the history of " + id);
  }

  /** Every object in the bucket: key -> {ETag, last-modified}. The bucket is shared; only these keys are checked. */
  private static Map<String, String[]> objects(DurabilityStack stack) throws Exception {
    MinioClient minio = MinioClient.builder().endpoint(stack.env.s3Endpoint())
        .credentials(stack.env.s3AccessKey(), stack.env.s3SecretKey()).build();
    Map<String, String[]> out = new TreeMap<>();
    for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder().bucket(stack.env.bucket()).recursive(true).build())) {
      Item item = r.get();
      out.put(item.objectName(), new String[] {item.etag(), String.valueOf(item.lastModified())});
    }
    assertFalse(out.isEmpty(), "the bucket " + stack.env.bucket() + " is empty");
    return out;
  }

  private static Map<String, String> outputs(PipelineResult r) {
    Map<String, String> out = new TreeMap<>();
    r.stages().forEach((stage, s) -> s.outputs().forEach((name, ref) -> out.put(stage + "/" + name, ref.sha256())));
    assertTrue(out.size() > r.stages().size(), "too few outputs: " + out);
    return out; // summary.json is not compared by digest: it holds the wall times
  }

  private static Map<String, Double> figures(PipelineResult r) {
    Map<String, Double> out = new TreeMap<>();
    for (StageResult s : r.stages().values()) {
      s.metrics().forEach((k, v) -> {
        if (!k.endsWith("wall_s")) {
          out.put(k, v);
        }
      });
    }
    return out;
  }

  private static Map<String, Object> withoutWalls(Map<String, Object> summary) {
    Map<String, Object> out = new TreeMap<>(summary);
    out.keySet().removeIf(k -> k.contains("wall"));
    return out;
  }
}
