package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.activities.Stage;
import org.rlhfflow.activities.StageInputs.EvaluateInput;
import org.rlhfflow.activities.dpo.DpoInput;
import org.rlhfflow.activities.grpo.GroupPolicyInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;

/** {@code method: dpo | grpo | rloo}: the method's stage replaces PPO, with or without a reward model. */
class MethodPipelineWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension testWorkflow = WorkflowTestSupport.extension();

  private static RlhfPipelineWorkflow start(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      FakeStages fake, String id) {
    fake.taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(fake);
    env.start();
    return client.newWorkflowStub(RlhfPipelineWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
  }

  private static FakeStages fake(String method, String... stages) {
    FakeStages f = new FakeStages();
    f.method = method;
    f.stages = List.of(stages);
    return f;
  }

  @Test
  void dpoTrainsOnThePreferencesWithNoRewardModel(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) throws Exception {
    FakeStages fake = fake(Stage.DPO, Stage.COLLECT, Stage.SFT, Stage.DPO, Stage.EVALUATE);
    RlhfPipelineWorkflow wf = start(env, client, worker, fake, "wf-dpo");
    wf.run(new PipelineInput("x.yaml", null, 1L, List.of()));
    assertEquals(List.of("resolve", "start", Stage.SFT, Stage.COLLECT, Stage.DPO, Stage.EVALUATE, "finish"),
        fake.calls);
    DpoInput dpo = (DpoInput) fake.inputs.get(Stage.DPO);
    assertEquals(FakeStages.ref("sft/checkpoint"), dpo.sftModel());
    assertEquals(FakeStages.ref("collect/preferences"), dpo.preferences());
    EvaluateInput eval = (EvaluateInput) fake.inputs.get(Stage.EVALUATE);
    assertEquals(FakeStages.ref("dpo/checkpoint"), eval.ppoModel());
    assertNull(eval.rewardModel());
    assertEquals(Stage.DPO, eval.method());

    WorkflowExecution execution = WorkflowStub.fromTyped(wf).getExecution();
    WorkflowReplayer.replayWorkflowExecution(
        client.fetchHistory(execution.getWorkflowId(), execution.getRunId()), RlhfPipelineWorkflowImpl.class);
  }

  @Test
  void grpoWithTheVerifierNeedsNoPreferencesAndNoRewardModel(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeStages fake = fake(Stage.GRPO, Stage.SFT, Stage.GRPO, Stage.EVALUATE);
    start(env, client, worker, fake, "wf-grpo").run(new PipelineInput("x.yaml", null, 1L, List.of()));
    assertEquals(List.of("resolve", "start", Stage.SFT, Stage.GRPO, Stage.EVALUATE, "finish"), fake.calls);
    GroupPolicyInput grpo = (GroupPolicyInput) fake.inputs.get(Stage.GRPO);
    assertNull(grpo.rewardModel());
    assertNull(((EvaluateInput) fake.inputs.get(Stage.EVALUATE)).rewardModel());
  }

  @Test
  void rlooWithARewardModelTrainsItFirst(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    FakeStages fake = fake(Stage.RLOO, Stage.COLLECT, Stage.SFT, Stage.REWARD_MODEL, Stage.RLOO, Stage.EVALUATE);
    start(env, client, worker, fake, "wf-rloo").run(new PipelineInput("x.yaml", null, 1L, List.of()));
    assertEquals(List.of("resolve", "start", Stage.SFT, Stage.COLLECT, Stage.REWARD_MODEL, Stage.RLOO,
        Stage.EVALUATE, "finish"), fake.calls);
    GroupPolicyInput rloo = (GroupPolicyInput) fake.inputs.get(Stage.RLOO);
    assertEquals(FakeStages.ref("reward_model/checkpoint"), rloo.rewardModel());
    EvaluateInput eval = (EvaluateInput) fake.inputs.get(Stage.EVALUATE);
    assertEquals(FakeStages.ref("reward_model/checkpoint"), eval.rewardModel());
    assertEquals(Stage.RLOO, eval.method());
  }
}
