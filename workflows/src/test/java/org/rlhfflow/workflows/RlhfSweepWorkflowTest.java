package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.activities.sweep.SweepActivitiesImpl;
import org.rlhfflow.workflows.RlhfSweepWorkflow.PointResult;
import org.rlhfflow.workflows.RlhfSweepWorkflow.SweepInput;
import org.rlhfflow.workflows.RlhfSweepWorkflow.SweepResult;

class RlhfSweepWorkflowTest {
  static final String BASE = "name: base\nseed: 1\nppo:\n  kl_coef: 0.1\n";

  @RegisterExtension static final TestWorkflowExtension testWorkflow = extension();

  static TestWorkflowExtension extension() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(RlhfSweepWorkflowImpl.class, RlhfPipelineWorkflowImpl.class)
        .registerSearchAttribute(RlhfPipelineWorkflow.SA_EXPERIMENT, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(RlhfPipelineWorkflow.SA_STAGE, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .setDoNotStart(true)
        .build();
  }

  static RlhfSweepWorkflow start(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      FakeStages fake, String id) {
    fake.taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(fake, new SweepActivitiesImpl());
    env.start();
    return client.newWorkflowStub(RlhfSweepWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
  }

  @Test
  void aPpoSweepTrainsTheSharedStagesOnce(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    CachingFakeStages fake = new CachingFakeStages();
    SweepResult result = start(env, client, worker, fake, "sweep-kl")
        .run(new SweepInput(BASE, "base.yaml", List.of("ppo.kl_coef=0.05,0.1,0.2"), 2, List.of()));

    assertEquals(List.of("ppo.kl_coef=0.05", "ppo.kl_coef=0.1", "ppo.kl_coef=0.2"),
        result.points().stream().map(PointResult::label).toList());
    assertTrue(result.points().stream().allMatch(p -> "FINISHED".equals(p.status())), result.toString());
    // SFT, collect and the RM do not read ppo.*: the first point computes them, the others reuse them.
    assertEquals(1, count(fake.computed, SftStage.NAME), fake.computed.toString());
    assertEquals(1, count(fake.computed, CollectStage.NAME), fake.computed.toString());
    assertEquals(1, count(fake.computed, RewardModelStage.NAME), fake.computed.toString());
    assertEquals(3, count(fake.computed, PpoStage.NAME), fake.computed.toString());
    assertTrue(fake.maxRunningPipelines.get() <= 2, "at most --parallel pipelines at once");
    // every point's tracking run carries the sweep id, so one MLflow filter shows them all
    assertEquals(3, fake.pipelineTags.size());
    fake.pipelineTags.forEach(tags -> assertEquals("sweep-kl", tags.get("rlhf.sweep_id")));
    assertEquals(List.of("sweep-kl-p0", "sweep-kl-p1", "sweep-kl-p2"),
        result.points().stream().map(PointResult::workflowId).toList());
    assertEquals(Map.of("ppo.kl_coef", "0.2"), result.points().get(2).overrides());
  }

  @Test
  void parallelOneRunsThePointsOneAfterAnother(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    CachingFakeStages fake = new CachingFakeStages();
    SweepResult result = start(env, client, worker, fake, "sweep-seq")
        .run(new SweepInput(BASE, "base.yaml", List.of("ppo.kl_coef=0.05,0.1", "seed=1,2"), 1, List.of()));
    assertEquals(4, result.points().size());
    assertEquals(1, fake.maxRunningPipelines.get());
    assertEquals(2, count(fake.computed, SftStage.NAME), "one SFT per seed: " + fake.computed);
  }

  @Test
  void aBadKeyFailsBeforeAnyPipelineStarts(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    CachingFakeStages fake = new CachingFakeStages();
    RlhfSweepWorkflow wf = start(env, client, worker, fake, "sweep-bad");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> wf.run(new SweepInput(BASE, "base.yaml", List.of("ppo.kl_coef=0.05", "ppo.klcoef=1"), 2, List.of())));
    String message = rootMessage(e);
    assertTrue(message.contains("ppo.klcoef"), message);
    assertEquals(List.of(), fake.calls, "no pipeline activity ran");
  }

  @Test
  void aFailedPointIsReportedAndTheOthersFinish(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    CachingFakeStages fake = new CachingFakeStages();
    fake.failStage = PpoStage.NAME;
    SweepResult result = start(env, client, worker, fake, "sweep-fail")
        .run(new SweepInput(BASE, "base.yaml", List.of("ppo.kl_coef=0.05,0.1"), 2, List.of()));
    assertEquals(List.of("FAILED", "FAILED"), result.points().stream().map(PointResult::status).toList());
    assertTrue(result.points().get(1).error().contains("injected failure in ppo"), result.points().get(1).error());
  }

  static long count(List<String> list, String item) {
    return list.stream().filter(item::equals).count();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
