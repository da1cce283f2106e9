package org.rlhfflow.workflows.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.LabelItems;
import org.rlhfflow.activities.human.FeedbackRecords.StoredRankings;
import org.rlhfflow.activities.human.RankingStoreActivities;
import org.rlhfflow.activities.human.RankingStoreActivitiesImpl;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.LocalArtifactStore;

/**
 * Workflow payloads carry references, never the rankings: with 2,400 and with 10,000 rankings
 * through the client API, the largest event in any run's history is the same size, far below
 * Temporal's 256 KB payload warning.
 */
class HumanFeedbackPayloadTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = TestWorkflowExtension.newBuilder()
      .registerWorkflowImplementationTypes(HumanFeedbackWorkflowImpl.class)
      .setDoNotStart(true)
      .build();

  @TempDir Path tmp;

  /** What one batch's histories looked like. */
  record Sizes(int runs, int largestEvent, List<Ranking> rankings) {}

  @Test
  void thePayloadsDoNotGrowWithTheRankings(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    worker.registerActivitiesImplementations(new RankingStoreActivitiesImpl(store, tmp.resolve("scratch")));
    env.start();
    Sizes small = rank(client, worker, "b-2400", 1_200);
    Sizes large = rank(client, worker, "b-10000", 5_000);
    System.out.printf("PAYLOADS largest history event: %d B with 2,400 rankings (%d runs), %d B with 10,000"
        + " (%d runs)%n", small.largestEvent, small.runs, large.largestEvent, large.runs);
    assertEquals(10_000, large.rankings.size());
    assertEquals(10_000, large.rankings.stream().map(r -> r.annotator() + ":" + r.item()).distinct().count());
    assertTrue(large.runs >= 10, "10,000 rankings at 1,000 per run continue as new");
    // Bounded by the save chunk (200 rankings) and one bit per (item, annotator), not by the count:
    // 4x the rankings may add no more than the bit sets' growth (2 annotators x 3,800 items / 8 B, base64).
    assertTrue(large.largestEvent <= small.largestEvent + 2_048,
        "largest event " + large.largestEvent + " B at 10,000 rankings vs " + small.largestEvent + " B at 2,400");
    assertTrue(large.largestEvent < 256 * 1024 / 8, large.largestEvent + " B is not far below 256 KB");
  }

  /**
   * A registration that arrives while a run waits for its last save before continuing as new is
   * turned away ("retry shortly") and retried by the client on the next run. Accepting it was unsafe:
   * when it lands in the same workflow task as the save's completion, the run can compute its
   * continue-as-new state before the handler runs and drop it (seen once in the server-restart test:
   * the app registered an annotator, then was told it was not registered). That interleaving cannot
   * be staged here; this checks that the rollover turns registrations away and that they still land.
   */
  @Test
  void aRegistrationDuringTheRolloverSaveReachesTheNextRun(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) throws Exception {
    RankingStoreActivitiesImpl real = new RankingStoreActivitiesImpl(new LocalArtifactStore(tmp.resolve("store")),
        tmp.resolve("scratch"));
    CountDownLatch saving = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    worker.registerActivitiesImplementations(new RankingStoreActivities() {
      @Override
      public StoredRankings save(SaveInput in) {
        saving.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return real.save(in);
      }

      @Override
      public void recordLabelled(LabelledInput in) {
        real.recordLabelled(in);
      }

      @Override
      public Found find(FindInput in) {
        return real.find(in);
      }
    });
    env.start();
    String id = "b-rollover";
    WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build())::run,
        new FeedbackInput(id, new ArtifactRef("file:///items.json", "b".repeat(64), 10), null, 4, 1,
            List.of("a"), 3600, 1, 2, null, "key-" + id, 0, 4));
    FeedbackClient fc = new FeedbackClient(client);
    fc.rank(id, new RankRequest("a", LabelItems.itemId(0), List.of(1, 2, 3, 4), ""));
    fc.rank(id, new RankRequest("a", LabelItems.itemId(1), List.of(1, 2, 3, 4), ""));
    assertTrue(saving.await(30, TimeUnit.SECONDS), "the run saves before it continues as new");
    CompletableFuture<Void> register = CompletableFuture.runAsync(() -> fc.register(id, "carol"));
    Thread.sleep(300); // the registration arrives while the save is held
    release.countDown();
    register.get(30, TimeUnit.SECONDS);
    assertTrue(fc.status(id).annotators().contains("carol"), "carol's registration survived the rollover");
    fc.rank(id, new RankRequest("carol", LabelItems.itemId(2), List.of(1, 2, 3, 4), ""));
    fc.rank(id, new RankRequest("a", LabelItems.itemId(3), List.of(1, 2, 3, 4), ""));
    assertEquals(4, client.newUntypedWorkflowStub(id).getResult(FeedbackResult.class).stored().count());
  }

  /** Two annotators rank every one of {@code n} items through the API; the batch's histories measured. */
  private Sizes rank(WorkflowClient client, Worker worker, String id, int n) throws Exception {
    FeedbackInput in = new FeedbackInput(id, new ArtifactRef("file:///items.json", "b".repeat(64), 10), null, 4, 2,
        List.of("a", "b"), 3600, 1, 1000, null, "key-" + id, 0, n);
    WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id)
            .build())::run, in);
    FeedbackClient fc = new FeedbackClient(client);
    for (int i = 0; i < 100 && fc.status(id) == null; i++) {
      Thread.sleep(10);
    }
    for (String item : LabelItems.itemIds(0, n)) {
      fc.rank(id, new RankRequest("a", item, List.of(1, 2, 3, 4), ""));
      fc.rank(id, new RankRequest("b", item, List.of(2, 1, 3, 4), ""));
    }
    FeedbackResult r = client.newUntypedWorkflowStub(id).getResult(FeedbackResult.class);
    assertEquals(n, r.itemsDone());
    assertEquals(2 * n, r.stored().count());
    int largest = 0;
    int runs = 0;
    // Walk the continue-as-new chain back from the last run; every run's history is measured.
    String runId = null;
    do {
      var history = runId == null ? client.fetchHistory(id) : client.fetchHistory(id, runId);
      if (runs == 0) {
        WorkflowReplayer.replayWorkflowExecution(history, HumanFeedbackWorkflowImpl.class);
      }
      for (HistoryEvent e : history.getEvents()) {
        largest = Math.max(largest, e.getSerializedSize());
      }
      runs++;
      runId = history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    List<Ranking> stored = RankingStoreActivitiesImpl.read(new LocalArtifactStore(tmp.resolve("store")),
        tmp.resolve("read"), r.stored().rankings());
    return new Sizes(runs, largest, new ArrayList<>(stored));
  }
}
