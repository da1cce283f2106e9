package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
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
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
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

  /**
   * Resume must not re-ask people: the pipeline dies (terminated) with batch 0 labelled and batch 1
   * half labelled; a new run of the same input reuses batch 0 without starting it again, and batch 1
   * starts from the ranking it had.
   */
  @Test
  void aNewRunReusesFinishedBatchesAndAHalfLabelledBatchKeepsItsRankings(TestWorkflowEnvironment env,
      WorkflowClient client, Worker worker) throws Exception {
    FakeStages fake = new FakeStages();
    fake.preferenceSource = "human";
    fake.taskQueue = worker.getTaskQueue();
    FakeHuman human = new FakeHuman();
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    worker.registerActivitiesImplementations(fake, human,
        new RankingStoreActivitiesImpl(store, tmp.resolve("scratch")));
    env.start();
    FeedbackClient fc = new FeedbackClient(client);
    WorkflowStub first = startPipeline(env, client, worker, fc, "wf-h1");
    fc.register(HumanCollectStage.batchId("wf-h1", 0), "alice");
    fc.register(HumanCollectStage.batchId("wf-h1", 1), "alice");
    fc.rank(HumanCollectStage.batchId("wf-h1", 0), new RankRequest("alice", "p00000", List.of(1, 2), ""));
    fc.rank(HumanCollectStage.batchId("wf-h1", 0), new RankRequest("alice", "p00001", List.of(2, 1), ""));
    fc.rank(HumanCollectStage.batchId("wf-h1", 1), new RankRequest("alice", "p00002", List.of(1, 1), "unsure"));
    first.terminate("test: the pipeline dies mid-labelling");
    // The half-labelled batch is asked to stop (parent close policy) and saves its ranking first.
    assertThrows(WorkflowFailedException.class,
        () -> client.newUntypedWorkflowStub(HumanCollectStage.batchId("wf-h1", 1)).getResult(FeedbackResult.class));

    WorkflowStub second = startPipeline(env, client, worker, fc, "wf-h2");
    String b1 = HumanCollectStage.batchId("wf-h2", 1);
    assertFalse(exists(client, HumanCollectStage.batchId("wf-h2", 0)), "the finished batch is not asked again");
    FeedbackStatus s = fc.status(b1);
    assertEquals(1, s.rankings(), "the half-labelled batch starts from its saved ranking");
    assertEquals(1, s.itemsDone());
    assertEquals(List.of("p00003"), fc.openItems(b1, "alice", 10).itemIds(), "alice is not asked p00002 again");
    fc.rank(b1, new RankRequest("alice", "p00003", List.of(2, 1), ""));
    second.getResult(PipelineResult.class);

    List<FeedbackResult> results = human.finished.results();
    assertEquals(List.of(HumanCollectStage.batchId("wf-h1", 0), b1), results.stream().map(FeedbackResult::batchId).toList());
    assertEquals(List.of(2, 2), results.stream().map(HumanPipelineWorkflowTest::count).toList());
    List<Ranking> kept = RankingStoreActivitiesImpl.read(store, tmp.resolve("read"), results.get(1).stored().rankings());
    assertEquals(List.of("p00002:unsure", "p00003:"), kept.stream().map(r -> r.item() + ":" + r.flag()).toList());
    WorkflowReplayer.replayWorkflowExecution(client.fetchHistory("wf-h2-collect"), HumanCollectWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(b1), HumanFeedbackWorkflowImpl.class);
  }

  private static WorkflowStub startPipeline(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      FeedbackClient fc, String id) {
    WorkflowStub stub = client.newUntypedWorkflowStub("RlhfPipeline",
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
    stub.start(new PipelineInput("human.yaml", null, null, List.of()));
    String b1 = HumanCollectStage.batchId(id, 1);
    for (int i = 0; i < 200 && status(fc, b1); i++) {
      env.sleep(Duration.ofMillis(50));
    }
    return stub;
  }

  private static boolean exists(WorkflowClient client, String id) {
    try {
      client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(id)).build());
      return true;
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
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
