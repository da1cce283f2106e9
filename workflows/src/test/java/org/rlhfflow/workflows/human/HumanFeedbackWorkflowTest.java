package org.rlhfflow.workflows.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.EventType;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.FeedbackRecords.RankAck;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.store.ArtifactRef;

class HumanFeedbackWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = TestWorkflowExtension.newBuilder()
      .registerWorkflowImplementationTypes(HumanFeedbackWorkflowImpl.class)
      .setDoNotStart(true)
      .build();

  static final ArtifactRef ITEMS = new ArtifactRef("file:///items.json", "a".repeat(64), 10);

  static List<String> items(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("item-%05d", i));
    }
    return ids;
  }

  static FeedbackInput input(String id, int n, int quorum, List<String> annotators, double minFraction,
      int perRun) {
    return new FeedbackInput(id, ITEMS, items(n), 4, quorum, annotators, 3600, minFraction, perRun, null);
  }

  private static FeedbackClient start(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      FeedbackInput in) {
    env.start();
    WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(in.batchId()).build())::run,
        in);
    FeedbackClient fc = new FeedbackClient(client);
    for (int i = 0; i < 100 && fc.status(in.batchId()) == null; i++) {
      env.sleep(Duration.ofMillis(10));
    }
    return fc;
  }

  private static String rejection(FeedbackClient fc, String batch, RankRequest r) {
    return assertThrows(FeedbackClient.Rejected.class, () -> fc.rank(batch, r)).getMessage();
  }

  @Test
  void theValidatorRejectsBadRankingsBeforeTheyEnterHistory(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FeedbackClient fc = start(env, client, worker, input("b-validate", 2, 1, List.of("alice", "bob"), 1, 1000));
    String b = "b-validate";
    assertTrue(rejection(fc, b, new RankRequest("alice", "nope", List.of(1, 2, 3, 4), ""))
        .contains("no item nope"));
    assertTrue(rejection(fc, b, new RankRequest("alice", "item-00000", List.of(1, 2, 3), ""))
        .contains("K = 4"));
    assertTrue(rejection(fc, b, new RankRequest("alice", "item-00000", List.of(1, 2, 2, 5), ""))
        .contains("ranks[3]"));
    assertTrue(rejection(fc, b, new RankRequest("alice", "item-00000", List.of(1, 3, 3, 4), ""))
        .contains("skips a rank"));
    assertTrue(rejection(fc, b, new RankRequest("mallory", "item-00000", List.of(1, 2, 3, 4), ""))
        .contains("not registered"));
    assertTrue(rejection(fc, b, new RankRequest("alice", "item-00000", List.of(1, 2, 3, 4), "spam"))
        .contains("flag"));
    assertEquals(0, fc.status(b).rankings(), "rejected updates record nothing");
    assertEquals(0, updateEvents(client, b), "rejected updates never enter history");

    RankAck first = fc.rank(b, new RankRequest("alice", "item-00000", List.of(1, 1, 3, 4), "unsure"));
    // the same click again has the same update id alice:item-00000 and counts once
    RankAck again = fc.rank(b, new RankRequest("alice", "item-00000", List.of(1, 1, 3, 4), "unsure"));
    assertEquals(first, again);
    assertEquals(1, updateEvents(client, b), "the second click has the same update id and counts once");
    assertEquals(1, fc.status(b).rankings());
    // quorum is 1: the item is closed to bob, and gone from his open items
    assertTrue(rejection(fc, b, new RankRequest("bob", "item-00000", List.of(1, 2, 3, 4), ""))
        .contains("is closed"));
    assertEquals(List.of("item-00001"), fc.openItems(b, "bob", 10).itemIds());
    fc.rank(b, new RankRequest("bob", "item-00001", List.of(4, 3, 2, 1), ""));
    FeedbackResult result = client.newUntypedWorkflowStub(b).getResult(FeedbackResult.class);
    assertEquals(2, result.itemsDone());
    assertEquals(List.of(1, 1, 3, 4), result.rankings().get(0).ranks());
    assertEquals("unsure", result.rankings().get(0).flag());
    assertFalse(result.deadlineReached());
    assertTrue(rejection(fc, b, new RankRequest("bob", "item-00000", List.of(1, 2, 3, 4), "")).contains("closed"));
  }

  private static long updateEvents(WorkflowClient client, String id) {
    return client.fetchHistory(id).getHistory().getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).count();
  }

  @Test
  void quorumNeedsDistinctAnnotatorsAndTheDeadlineKeepsWhatWasDone(TestWorkflowEnvironment env,
      WorkflowClient client, Worker worker) {
    FeedbackClient fc = start(env, client, worker, input("b-deadline", 4, 2, List.of("a", "b"), 0.5, 1000));
    fc.rank("b-deadline", new RankRequest("a", "item-00000", List.of(1, 2, 3, 4), ""));
    assertEquals(0, fc.status("b-deadline").itemsDone(), "one annotator is not a quorum of two");
    fc.rank("b-deadline", new RankRequest("b", "item-00000", List.of(2, 1, 3, 4), ""));
    fc.rank("b-deadline", new RankRequest("a", "item-00001", List.of(1, 2, 3, 4), ""));
    fc.rank("b-deadline", new RankRequest("b", "item-00001", List.of(1, 2, 3, 4), ""));
    FeedbackStatus s = fc.status("b-deadline");
    assertEquals(2, s.itemsDone());
    assertEquals(2, s.rankingsByAnnotator().get("a"));
    env.sleep(Duration.ofHours(2));
    FeedbackResult r = client.newUntypedWorkflowStub("b-deadline").getResult(FeedbackResult.class);
    assertTrue(r.deadlineReached());
    assertEquals(4, r.rankings().size());
  }

  @Test
  void belowMinFractionAtTheDeadlineFailsWithAClearMessage(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FeedbackClient fc = start(env, client, worker, input("b-missed", 4, 1, List.of("a"), 0.75, 1000));
    fc.rank("b-missed", new RankRequest("a", "item-00002", List.of(1, 2, 3, 4), ""));
    env.sleep(Duration.ofHours(2));
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> client.newUntypedWorkflowStub("b-missed").getResult(FeedbackResult.class));
    ApplicationFailure f = (ApplicationFailure) e.getCause();
    assertEquals(HumanFeedbackWorkflowImpl.QUORUM_MISSED, f.getType());
    assertTrue(f.getOriginalMessage().contains("1 of 4 items reached quorum"), f.getOriginalMessage());
    assertTrue(f.isNonRetryable());
  }

  /** 2,400 updates: more than one history may hold, so the batch continues as new several times. */
  @Test
  void aBatchTakesMoreThan2000RankingsThroughTheApi(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    int n = 1200;
    FeedbackClient fc = start(env, client, worker, input("b-big", n, 2, List.of("a", "b"), 1, 500));
    for (String item : items(n)) {
      fc.rank("b-big", new RankRequest("a", item, List.of(1, 2, 3, 4), ""));
      fc.rank("b-big", new RankRequest("b", item, List.of(2, 1, 3, 4), ""));
    }
    FeedbackResult r = client.newUntypedWorkflowStub("b-big").getResult(FeedbackResult.class);
    assertEquals(2 * n, r.rankings().size());
    assertEquals(n, r.itemsDone());
    assertEquals(2 * n, r.rankings().stream().map(x -> x.annotator() + ":" + x.item()).distinct().count());
    assertEquals(5, fc.status("b-big").runs(), "2,400 rankings at 500 per run: four continues-as-new");
  }

  @Test
  void replaysFromHistory(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    FeedbackClient fc = start(env, client, worker, input("b-replay", 3, 1, List.of("a"), 1, 2));
    for (String item : items(3)) {
      fc.rank("b-replay", new RankRequest("a", item, List.of(1, 2, 3, 4), ""));
    }
    WorkflowStub stub = client.newUntypedWorkflowStub("b-replay");
    stub.getResult(FeedbackResult.class);
    WorkflowExecutionHistory history = client.fetchHistory("b-replay");
    WorkflowReplayer.replayWorkflowExecution(history, HumanFeedbackWorkflowImpl.class);
  }
}
