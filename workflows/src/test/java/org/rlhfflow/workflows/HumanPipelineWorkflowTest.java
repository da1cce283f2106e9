package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.HumanCollectActivities;
import org.rlhfflow.activities.human.RankingStoreActivitiesImpl;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;
import org.rlhfflow.workflows.human.FeedbackClient;
import org.rlhfflow.workflows.human.HumanCollectStage;
import org.rlhfflow.workflows.human.HumanCollectWorkflowImpl;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflowImpl;


/** preferences.source: human: the pipeline waits in HumanFeedback children and goes on after quorum. */
class HumanPipelineWorkflowTest {
  @TempDir Path tmp;

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = TestWorkflowExtension.newBuilder()
      .registerWorkflowImplementationTypes(RlhfPipelineWorkflowImpl.class, HumanFeedbackWorkflowImpl.class,
          HumanCollectWorkflowImpl.class)
      .registerSearchAttribute(RlhfPipelineWorkflow.SA_EXPERIMENT, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
      .registerSearchAttribute(RlhfPipelineWorkflow.SA_STAGE, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
      .setDoNotStart(true)
      .build();

  /** Two batches of two items, K = 2, quorum 1. */
  static final class FakeHuman implements HumanCollectActivities {
    volatile FinishInput finished;

    @Override
    public HumanItems sampleItems(CollectInput input) {
      return new HumanItems(2, 1, 3600, 1.0, 1000, List.of(
          new ItemBatch(0, FakeStages.ref("items/0"), 0, 2), new ItemBatch(1, FakeStages.ref("items/1"), 2, 2)),
          null);
    }

    @Override
    public StageResult finish(FinishInput input) {
      finished = input;
      return new StageResult(CollectStage.NAME, Map.of("preferences", FakeStages.ref("collect/preferences")),
          Map.of("collect/rankings", (double) input.results().stream().mapToInt(HumanPipelineWorkflowTest::count).sum()),
          "key-collect", false, 1.0);
    }
  }

  @Test
  void thePipelineWaitsForRankingsThenTrainsTheRewardModelOnThem(TestWorkflowEnvironment env,
      WorkflowClient client, Worker worker) throws Exception {
    FakeStages fake = new FakeStages();
    fake.preferenceSource = "human";
    fake.taskQueue = worker.getTaskQueue();
    FakeHuman human = new FakeHuman();
    worker.registerActivitiesImplementations(fake, human,
        new RankingStoreActivitiesImpl(new LocalArtifactStore(tmp.resolve("store")), tmp.resolve("scratch")));
    env.start();
    RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId("wf-human").build());
    WorkflowClient.start(wf::run, new PipelineInput("human.yaml", null, null, List.of()));

    FeedbackClient fc = new FeedbackClient(client);
    String b0 = HumanCollectStage.batchId("wf-human", 0);
    String b1 = HumanCollectStage.batchId("wf-human", 1);
    for (int i = 0; i < 200 && (status(fc, b0) || status(fc, b1)); i++) {
      env.sleep(Duration.ofMillis(50));
    }
    fc.register(b0, "alice");
    fc.register(b1, "alice");
    fc.rank(b0, new RankRequest("alice", "p00000", List.of(1, 2), ""));
    fc.rank(b0, new RankRequest("alice", "p00001", List.of(2, 1), ""));
    assertEquals(CollectStage.NAME, wf.progress().stage(), "still waiting for batch 1");
    fc.rank(b1, new RankRequest("alice", "p00002", List.of(1, 1), "unsure"));
    fc.rank(b1, new RankRequest("alice", "p00003", List.of(1, 2), ""));

    PipelineResult r = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
    assertEquals("FINISHED", fake.finishStatus);
    assertEquals(List.of("resolve", "start", SftStage.NAME, RewardModelStage.NAME, PpoStage.NAME, EvaluateStage.NAME, "finish"),
        fake.calls);
    assertEquals(4.0, r.stages().get(CollectStage.NAME).metrics().get("collect/rankings"));
    assertEquals(List.of(2, 2), human.finished.results().stream().map(HumanPipelineWorkflowTest::count).toList());
    assertEquals(List.of(b0, b1), human.finished.results().stream().map(x -> x.batchId()).toList());
    RewardModelInput rm = (RewardModelInput) fake.inputs.get(RewardModelStage.NAME);
    assertEquals(FakeStages.ref("collect/preferences"), rm.preferences());
    WorkflowReplayer.replayWorkflowExecution(client.fetchHistory("wf-human"), RlhfPipelineWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(client.fetchHistory("wf-human-collect"), HumanCollectWorkflowImpl.class);
    record(client, "wf-human-collect", "collect");
    record(client, b0, "feedback");
  }

  /**
   * With -Drlhf.recordHistories=DIR -Drlhf.historyVersion=vN, writes the HumanCollect and a
   * HumanFeedback history as replay fixtures for {@link HumanHistoryReplayTest}; never overwrite old ones.
   */
  private static void record(WorkflowClient client, String workflowId, String name) throws Exception {
    String dir = System.getProperty("rlhf.recordHistories");
    if (dir != null) {
      java.nio.file.Path out = java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir, "human"))
          .resolve(System.getProperty("rlhf.historyVersion", "v0") + "-" + name + ".json");
      java.nio.file.Files.writeString(out, client.fetchHistory(workflowId).toJson(true));
    }
  }

  static int count(FeedbackResult r) {
    return r.stored() != null ? r.stored().count() : r.rankings().size();
  }

  private static boolean status(FeedbackClient fc, String id) {
    try {
      return fc.status(id) == null;
    } catch (RuntimeException e) {
      return true; // not started yet
    }
  }
}
