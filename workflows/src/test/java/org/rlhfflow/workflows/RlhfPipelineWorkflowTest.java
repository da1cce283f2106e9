package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.evaluate.EvaluateInput;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

class RlhfPipelineWorkflowTest {
  /** The stages of the default (PPO) pipeline; the registry also holds the other methods' stages. */
  private static final int PPO_PIPELINE = StageRegistry.plan(org.rlhfflow.spec.ExperimentSpec.named("x")).size();

  @RegisterExtension static final TestWorkflowExtension testWorkflow = WorkflowTestSupport.extension();

  private static RlhfPipelineWorkflow start(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      FakeStages fake, String id) {
    fake.taskQueue = worker.getTaskQueue(); // stage activities go to the queues the spec names
    worker.registerActivitiesImplementations(fake);
    env.start();
    return client.newWorkflowStub(RlhfPipelineWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
  }

  @Test
  void simulatedPreferencesAreSampledFromTheSftPolicy(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeStages fake = new FakeStages();
    RlhfPipelineWorkflow wf = start(env, client, worker, fake, "wf-simulated");
    PipelineResult result = wf.run(new PipelineInput("experiments/demo.yaml", null, 7L, List.of()));

    assertEquals(List.of("resolve", "start", SftStage.NAME, CollectStage.NAME, RewardModelStage.NAME, PpoStage.NAME,
        EvaluateStage.NAME, "finish"), fake.calls);
    assertEquals(PPO_PIPELINE, result.stages().size());
    assertEquals("FINISHED", fake.finishStatus);
    // the RM and PPO get the SFT checkpoint; PPO gets the RM's checkpoint.
    RewardModelInput rm = (RewardModelInput) fake.inputs.get(RewardModelStage.NAME);
    assertEquals(FakeStages.ref("sft/checkpoint"), rm.sftModel());
    assertEquals(FakeStages.ref("collect/preferences"), rm.preferences());
    PpoInput ppo = (PpoInput) fake.inputs.get(PpoStage.NAME);
    assertEquals(FakeStages.ref("reward_model/checkpoint"), ppo.rewardModel());
    assertEquals("parent-run", ppo.ctx().parentRunId());
    // evaluation compares the SFT and PPO policies and plots the PPO curve.
    EvaluateInput eval = (EvaluateInput) fake.inputs.get(EvaluateStage.NAME);
    assertEquals(FakeStages.ref("sft/checkpoint"), eval.sftModel());
    assertEquals(FakeStages.ref("ppo/checkpoint"), eval.ppoModel());
    assertEquals(FakeStages.ref("ppo/curve"), eval.ppoCurve());
    assertEquals("done", wf.progress().stage());
  }

  @Test
  void importedPreferencesAreCollectedFirst(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    FakeStages fake = new FakeStages();
    fake.preferenceSource = "dataset";
    start(env, client, worker, fake, "wf-dataset").run(new PipelineInput("x.yaml", null, null, List.of()));
    assertEquals(List.of("resolve", "start", CollectStage.NAME, SftStage.NAME, RewardModelStage.NAME, PpoStage.NAME,
        EvaluateStage.NAME, "finish"), fake.calls);
  }

  @Test
  void aFailedStageStopsThePipelineAndMarksTheRunFailed(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeStages fake = new FakeStages();
    fake.failStage = RewardModelStage.NAME;
    RlhfPipelineWorkflow wf = start(env, client, worker, fake, "wf-fail");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> wf.run(new PipelineInput("x.yaml", null, null, List.of())));
    ApplicationFailure cause = (ApplicationFailure) e.getCause().getCause();
    assertEquals("Injected", cause.getType());
    assertTrue(cause.getOriginalMessage().contains(RewardModelStage.NAME));
    // no retry of a non-retryable failure, no later stage, and the parent run is closed as FAILED.
    assertEquals(1, fake.calls.stream().filter(RewardModelStage.NAME::equals).count());
    assertEquals("finish", fake.calls.get(fake.calls.size() - 1));
    assertEquals("FAILED", fake.finishStatus);
    assertEquals(RewardModelStage.NAME, fake.finishFailedStage);
  }

  @Test
  void aBadSpecFailsBeforeAnyStage(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    FakeStages fake = new FakeStages();
    RlhfPipelineWorkflow wf = start(env, client, worker, fake, "wf-badspec");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> wf.run(new PipelineInput("experiments/bad.yaml", null, null, List.of())));
    assertTrue(e.getCause().getCause().getMessage().contains("bad.yaml:3"));
    assertEquals(List.of("resolve"), fake.calls);
  }

  @Test
  void reusedStagesAreReportedByTheProgressQuery(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeStages fake = new FakeStages();
    fake.failStage = "reuse-sft"; // marks the SFT result as reused, fails nothing
    RlhfPipelineWorkflow wf = start(env, client, worker, fake, "wf-reuse");
    wf.run(new PipelineInput("x.yaml", null, null, List.of()));
    assertEquals(List.of(SftStage.NAME), wf.progress().reused());
    assertEquals(PPO_PIPELINE, wf.progress().completed().size());
  }

  @Test
  void historyReplaysDeterministically(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    FakeStages fake = new FakeStages();
    RlhfPipelineWorkflow wf = start(env, client, worker, fake, "wf-replay");
    wf.run(new PipelineInput("x.yaml", null, 3L, List.of()));
    WorkflowExecution execution = WorkflowStub.fromTyped(wf).getExecution();
    WorkflowExecutionHistory history = client.fetchHistory(execution.getWorkflowId(), execution.getRunId());
    WorkflowReplayer.replayWorkflowExecution(history, RlhfPipelineWorkflowImpl.class);
  }
}
