package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.activities.PipelineActivities.RoundFigures;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.evaluate.EvaluateInput;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;

/** {@code rounds: N}: SFT once, then N rounds of collect -> reward model -> PPO, then one evaluation. */
class IteratedRoundsWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension testWorkflow = WorkflowTestSupport.extension();

  private static FakeStages run(TestWorkflowEnvironment env, WorkflowClient client, Worker worker, Integer rounds) {
    FakeStages fake = new FakeStages();
    fake.rounds = rounds;
    fake.taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(fake);
    env.start();
    client.newWorkflowStub(RlhfPipelineWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId("wf-rounds-" + rounds).build())
        .run(new PipelineInput("experiments/iterated.yaml", null, null, List.of()));
    return fake;
  }

  @Test
  void roundTwoBuildsOnRoundOne(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    FakeStages fake = run(env, client, worker, 2);
    assertEquals(List.of("resolve", "start", SftStage.NAME,
        CollectStage.NAME, RewardModelStage.NAME, PpoStage.NAME,
        CollectStage.NAME, RewardModelStage.NAME, PpoStage.NAME,
        EvaluateStage.NAME, "finish"), fake.calls);

    // round 1 is the one-round pipeline: samples of SFT, a fresh RM head, PPO from SFT
    CollectInput collect1 = (CollectInput) fake.allInputs.get(CollectStage.NAME).get(0);
    assertEquals(FakeStages.ref("sft/checkpoint"), collect1.policy());
    RewardModelInput rm1 = (RewardModelInput) fake.allInputs.get(RewardModelStage.NAME).get(0);
    assertNull(rm1.initialModel());
    PpoInput ppo1 = (PpoInput) fake.allInputs.get(PpoStage.NAME).get(0);
    assertNull(ppo1.initialPolicy());

    // round 2 labels samples of round 1's policy ...
    CollectInput collect2 = (CollectInput) fake.allInputs.get(CollectStage.NAME).get(1);
    assertEquals(FakeStages.ref("ppo/checkpoint"), collect2.policy());
    // ... trains on both rounds' pairs, starting from round 1's RM ...
    RewardModelInput rm2 = (RewardModelInput) fake.allInputs.get(RewardModelStage.NAME).get(1);
    assertEquals(FakeStages.ref("collect/preferences@2"), rm2.preferences());
    assertEquals(List.of(FakeStages.ref("collect/preferences")), rm2.earlierPreferences());
    assertEquals(FakeStages.ref("reward_model/checkpoint"), rm2.initialModel());
    assertEquals(FakeStages.ref("sft/checkpoint"), rm2.sftModel());
    // ... and continues PPO from round 1's policy, with round 2's RM and the SFT reference.
    PpoInput ppo2 = (PpoInput) fake.allInputs.get(PpoStage.NAME).get(1);
    assertEquals(FakeStages.ref("ppo/checkpoint"), ppo2.initialPolicy());
    assertEquals(FakeStages.ref("reward_model/checkpoint@2"), ppo2.rewardModel());
    assertEquals(FakeStages.ref("sft/checkpoint"), ppo2.sftModel());

    // evaluation compares the last round's policy with SFT
    EvaluateInput eval = (EvaluateInput) fake.inputs.get(EvaluateStage.NAME);
    assertEquals(FakeStages.ref("sft/checkpoint"), eval.sftModel());
    assertEquals(FakeStages.ref("ppo/checkpoint@2"), eval.ppoModel());
    assertEquals(FakeStages.ref("ppo/curve@2"), eval.ppoCurve());

    // summary.json's rounds: each round's own RM and PPO figures (the fakes report their call index)
    assertEquals(List.of(new RoundFigures(1, 1.0, 0.1, 0.01), new RoundFigures(2, 2.0, 0.2, 0.02)),
        fake.finishInput.rounds());
  }

  @Test
  void oneRoundIsTheUsualPipeline(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    FakeStages fake = run(env, client, worker, 1);
    assertEquals(List.of("resolve", "start", SftStage.NAME, CollectStage.NAME, RewardModelStage.NAME, PpoStage.NAME,
        EvaluateStage.NAME, "finish"), fake.calls);
    assertNull(fake.finishInput.rounds());
  }
}
