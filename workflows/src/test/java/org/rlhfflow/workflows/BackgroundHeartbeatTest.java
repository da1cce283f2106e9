package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;
import org.rlhfflow.worker.PipelineWorkers;

/**
 * A stage heartbeats on a schedule of its own, not once per step: a step longer than twice the
 * heartbeat timeout does not fail the stage, while the same silent step outside a StageRun does.
 */
class BackgroundHeartbeatTest {
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
  static final long STEP_MILLIS = 8_000;

  @RegisterExtension
  static final TestWorkflowExtension env = TestWorkflowExtension.newBuilder()
      .registerWorkflowImplementationTypes(OneStepImpl.class)
      .setWorkerOptions(PipelineWorkers.options()) // the real workers' 1 s heartbeat throttle
      .setDoNotStart(true)
      .build();

  @TempDir static Path tmp;

  @WorkflowInterface
  public interface OneStep {
    @WorkflowMethod
    String run(String activityType);
  }

  public static class OneStepImpl implements OneStep {
    @Override
    public String run(String activityType) {
      ActivityOptions options = ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();
      return Workflow.newUntypedActivityStub(options).execute(activityType, String.class);
    }
  }

  @ActivityInterface
  public interface SlowStep {
    @ActivityMethod(name = "InAStage")
    String inAStage();

    @ActivityMethod(name = "Bare")
    String bare();
  }

  static final class SlowStepImpl implements SlowStep {
    private final StageServices services;

    SlowStepImpl(StageServices services) {
      this.services = services;
    }

    @Override
    public String inAStage() {
      ExperimentSpec spec = ExperimentSpec.named("pulse");
      StageContext ctx = new StageContext("pulse", "wf", null, spec.canonicalJson(), spec.sha256(), List.of("all"));
      StageResult r = StageRun.execute(services, ctx, SftStage.DEF, Map.of(), run -> {
        Thread.sleep(STEP_MILLIS); // one long step and no heartbeat of its own
        return run.complete(Map.of(), Map.of());
      });
      return r.stage();
    }

    @Override
    public String bare() {
      try {
        Thread.sleep(STEP_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "done";
    }
  }

  private static OneStep start(TestWorkflowEnvironment testEnv, WorkflowClient client, Worker worker, String id)
      throws Exception {
    Files.createDirectories(tmp);
    StageServices services = new StageServices(new LocalArtifactStore(tmp.resolve("a-" + id)),
        new LocalTracker(tmp.resolve("m-" + id)), tmp.resolve("s-" + id));
    worker.registerActivitiesImplementations(new SlowStepImpl(services));
    testEnv.start();
    return client.newWorkflowStub(OneStep.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
  }

  @Test
  void aStepLongerThanTheHeartbeatTimeoutIsNotADeadWorker(TestWorkflowEnvironment testEnv, WorkflowClient client,
      Worker worker) throws Exception {
    assertEquals(SftStage.NAME, start(testEnv, client, worker, "pulse-stage").run("InAStage"));
  }

  @Test
  void withoutThePulseTheSameStepTimesOut(TestWorkflowEnvironment testEnv, WorkflowClient client, Worker worker)
      throws Exception {
    OneStep wf = start(testEnv, client, worker, "pulse-bare");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> wf.run("Bare"));
    boolean timedOut = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      timedOut |= t instanceof TimeoutFailure;
    }
    assertTrue(timedOut, "expected a heartbeat timeout, got " + e);
  }
}
