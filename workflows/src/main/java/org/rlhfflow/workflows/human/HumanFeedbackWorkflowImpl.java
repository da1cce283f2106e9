package org.rlhfflow.workflows.human;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackState;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItems;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItemsRequest;
import org.rlhfflow.activities.human.FeedbackRecords.RankAck;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.FeedbackRecords.RegisterRequest;
import org.rlhfflow.activities.human.FeedbackRecords.StoredRankings;
import org.rlhfflow.activities.human.RankingRules;
import org.rlhfflow.activities.human.RankingStoreActivities;
import org.rlhfflow.activities.human.RankingStoreActivities.LabelledInput;
import org.rlhfflow.activities.human.RankingStoreActivities.SaveInput;

/**
 * Waits with {@code Workflow.await(deadline, quorum)} while the update handlers fill the batch, as in
 * samples-java's safe message passing sample. A run that has accepted {@code rankingsPerRun} updates
 * drains its handlers and continues as new with the rankings in one record, so a batch takes any
 * number of rankings under Temporal's 2,000-updates-per-history cap.
 */
public class HumanFeedbackWorkflowImpl implements HumanFeedbackWorkflow {
  /** Failure type of a batch that missed min_fraction at the deadline; never retried. */
  public static final String QUORUM_MISSED = "HumanFeedbackQuorumMissed";

  private FeedbackInput input;
  private Batch batch;
  private long deadlineMillis;
  private int acceptedThisRun;
  private boolean closed;
  private boolean rollingOver;
  /** Rankings per SaveRankings call: ~15 KB of payload, whatever the batch's size. */
  static final int SAVE_EVERY = 200;
  /** Accepted but not yet in the store (batches with a rankings key). */
  private final List<Ranking> unsaved = new ArrayList<>();
  /** What is in the store so far; null before the first save. */
  private StoredRankings stored;

  /**
   * The state is built before any handler runs: an update can arrive in the very first workflow
   * task of a run (e.g. one retried across continue-as-new), before {@link #run} starts.
   */
  @WorkflowInit
  public HumanFeedbackWorkflowImpl(FeedbackInput in) {
    init(in);
  }

  @Override
  public FeedbackResult run(FeedbackInput in) {
    if (in.rankingsKey() == null) {
      return runInline(in);
    }
    // Only batches that HumanCollect's "human-rankings-in-store" version starts have a key, so no
    // older history reaches this branch; the marker records the change all the same.
    Workflow.getVersion("rankings-in-store", Workflow.DEFAULT_VERSION, 1);
    try {
      return runStored(in);
    } catch (CanceledFailure | ActivityFailure e) {
      if (!(e instanceof CanceledFailure) && !(e.getCause() instanceof CanceledFailure)) {
        throw e; // a save that failed for good: not a cancellation
      }
      // The pipeline was cancelled or terminated (parent close policy REQUEST_CANCEL): keep what
      // people did, so a resumed run starts from it.
      Workflow.newDetachedCancellationScope(() -> {
        closed = true;
        Workflow.await(Workflow::isEveryHandlerFinished);
        saveAll();
      }).run();
      throw e;
    }
  }

  /** Rankings in the artifact store, saved in chunks; payloads carry the reference only. */
  private FeedbackResult runStored(FeedbackInput in) {
    while (true) {
      long remaining = deadlineMillis - Workflow.currentTimeMillis();
      if (remaining > 0) {
        Workflow.await(Duration.ofMillis(remaining), () -> batch.itemsDone() == batch.itemsTotal()
            || acceptedThisRun >= in.rankingsPerRun() || unsaved.size() >= SAVE_EVERY);
      }
      if (unsaved.size() < SAVE_EVERY || batch.itemsDone() == batch.itemsTotal()
          || acceptedThisRun >= in.rankingsPerRun() || Workflow.currentTimeMillis() >= deadlineMillis) {
        break;
      }
      saveChunk();
    }
    if (batch.itemsDone() < batch.itemsTotal() && acceptedThisRun >= in.rankingsPerRun()
        && Workflow.currentTimeMillis() < deadlineMillis) {
      rollingOver = true;
      Workflow.await(Workflow::isEveryHandlerFinished);
      saveAll();
      Workflow.continueAsNew(in.withState(state()));
    }
    closed = true;
    Workflow.await(Workflow::isEveryHandlerFinished);
    saveAll();
    boolean deadlineReached = batch.itemsDone() < batch.itemsTotal();
    failIfBelowMinFraction(in, deadlineReached);
    FeedbackResult result = new FeedbackResult(in.batchId(), in.items(), null, batch.itemsDone(), batch.itemsTotal(),
        deadlineReached, stored);
    store().recordLabelled(new LabelledInput(in.rankingsKey(), result));
    return result;
  }

  /** Before the rankings store: every ranking in the continue-as-new state and in the result. */
  private FeedbackResult runInline(FeedbackInput in) {
    long remaining = deadlineMillis - Workflow.currentTimeMillis();
    if (remaining > 0) {
      Workflow.await(Duration.ofMillis(remaining),
          () -> batch.itemsDone() == batch.itemsTotal() || acceptedThisRun >= in.rankingsPerRun());
    }
    if (batch.itemsDone() < batch.itemsTotal() && acceptedThisRun >= in.rankingsPerRun()
        && Workflow.currentTimeMillis() < deadlineMillis) {
      continueAsNew(in);
    }
    closed = true;
    // Updates already accepted must finish before the run closes, or their callers see an error.
    Workflow.await(Workflow::isEveryHandlerFinished);
    boolean deadlineReached = batch.itemsDone() < batch.itemsTotal();
    failIfBelowMinFraction(in, deadlineReached);
    return new FeedbackResult(in.batchId(), in.items(), List.copyOf(batch.rankings()), batch.itemsDone(),
        batch.itemsTotal(), deadlineReached);
  }

  private void failIfBelowMinFraction(FeedbackInput in, boolean deadlineReached) {
    if (deadlineReached && batch.itemsDone() < Math.ceil(in.minFraction() * batch.itemsTotal())) {
      throw ApplicationFailure.newNonRetryableFailure(String.format(
          "batch %s: %d of %d items reached quorum (%d annotators) by the deadline, below min_fraction %s;"
              + " the %d rankings collected stay in %s",
          in.batchId(), batch.itemsDone(), batch.itemsTotal(), in.minAnnotators(), in.minFraction(),
          batch.total(), stored == null ? "this workflow's history and result details"
              : "the artifact store (" + stored.rankings().uri() + "), and a resumed run starts from them"),
          QUORUM_MISSED, state());
    }
  }

  private RankingStoreActivities store() {
    return Workflow.newActivityStub(RankingStoreActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2)) // one small JSON file in and out of the store
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
            .setMaximumInterval(Duration.ofMinutes(1)).build()) // storage outages: retried until it is back
        .build());
  }

  /** Saves the oldest unsaved rankings, at most {@link #SAVE_EVERY}, so no payload grows with the batch. */
  private void saveChunk() {
    int n = Math.min(SAVE_EVERY, unsaved.size());
    List<Ranking> chunk = List.copyOf(unsaved.subList(0, n));
    stored = store().save(new SaveInput(input.rankingsKey(), stored, chunk));
    unsaved.subList(0, n).clear(); // handlers may have appended meanwhile: drop only what was saved
  }

  private void saveAll() {
    while (!unsaved.isEmpty()) {
      saveChunk();
    }
  }

  private void init(FeedbackInput in) {
    input = in;
    FeedbackState s = in.state();
    batch = new Batch(in.ids(), in.minAnnotators());
    // A state without a deadline is one a resumed pipeline found in the store: a fresh wait.
    deadlineMillis = s == null || s.deadlineMillis() == 0
        ? Workflow.currentTimeMillis() + in.deadlineSeconds() * 1000 : s.deadlineMillis();
    if (s == null) {
      batch.annotators.addAll(in.annotators());
    } else {
      batch.annotators.addAll(s.annotators());
      if (s.rankings() != null) {
        s.rankings().forEach(batch::add);
      }
      if (s.ranked() != null) {
        stored = s.stored();
        batch.restore(s.ranked(), s.lastActive(), stored == null ? 0 : stored.count());
      }
    }
  }

  private void continueAsNew(FeedbackInput in) {
    rollingOver = true;
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(in.withState(state()));
  }

  private FeedbackState state() {
    int runs = input.state() == null ? 1 : input.state().runs() + 1;
    if (input.rankingsKey() == null) {
      return new FeedbackState(deadlineMillis, List.copyOf(batch.annotators), List.copyOf(batch.rankings()), runs);
    }
    return new FeedbackState(deadlineMillis, List.copyOf(batch.annotators), null, runs, stored, batch.ranked(),
        new TreeMap<>(batch.lastActive()));
  }

  @Override
  public void validateRank(RankRequest r) {
    String problem = problem(r);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The validator's rules, in the order the page reports them. */
  private String problem(RankRequest r) {
    if (batch == null) {
      return "batch is starting; retry shortly";
    }
    if (r == null || r.item() == null || r.annotator() == null) {
      return "request: annotator and item are required";
    }
    if (rollingOver || acceptedThisRun >= input.rankingsPerRun()) {
      return "batch " + input.batchId() + " is continuing as new; retry shortly";
    }
    if (closed) {
      return "batch " + input.batchId() + " is closed: it takes no more rankings";
    }
    if (!batch.hasItem(r.item())) {
      return "item: no item " + r.item() + " in batch " + input.batchId();
    }
    if (!batch.annotators.contains(r.annotator())) {
      return "annotator: " + r.annotator() + " is not registered for batch " + input.batchId();
    }
    if (batch.rankedBy(r.item(), r.annotator())) {
      return "item: " + r.item() + " was already ranked by " + r.annotator();
    }
    if (batch.isDone(r.item())) {
      return "item: " + r.item() + " is closed: it has its " + input.minAnnotators() + " annotators";
    }
    String flag = r.flag() == null ? "" : r.flag();
    if (!flag.isEmpty() && !flag.equals("unsafe") && !flag.equals("unsure")) {
      return "flag: " + flag + " is not one of unsafe, unsure";
    }
    return RankingRules.problem(r.ranks(), input.k());
  }

  @Override
  public String check(RankRequest r) {
    return problem(r);
  }

  @Override
  public RankAck rank(RankRequest r) {
    String flag = r.flag() == null ? "" : r.flag();
    Ranking ranking = new Ranking(r.annotator(), r.item(), List.copyOf(r.ranks()), flag, Workflow.currentTimeMillis());
    batch.add(ranking);
    if (input.rankingsKey() != null) {
      unsaved.add(ranking);
    }
    acceptedThisRun++;
    return new RankAck(batch.doneBy(r.annotator()), batch.itemsDone(), batch.itemsTotal());
  }

  @Override
  public void validateRegister(RegisterRequest r) {
    if (r == null || r.annotator() == null || !r.annotator().matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("annotator: an id of 1-64 letters, digits, '.', '_' or '-' is required");
    }
    if (closed) {
      throw new IllegalArgumentException("batch " + input.batchId() + " is closed");
    }
    // The continue-as-new state may already be computed (the run waits for its last save): a
    // registration accepted now would be lost with this run, so the caller retries on the next one.
    if (rollingOver || acceptedThisRun >= input.rankingsPerRun()) {
      throw new IllegalArgumentException("batch " + input.batchId() + " is continuing as new; retry shortly");
    }
    if (batch.annotators.contains(r.annotator())) {
      throw new IllegalArgumentException("annotator: " + r.annotator() + " is already registered");
    }
  }

  @Override
  public void register(RegisterRequest r) {
    batch.annotators.add(r.annotator());
  }

  @Override
  public FeedbackStatus status() {
    if (batch == null) {
      return null;
    }
    return new FeedbackStatus(input.batchId(), input.items(), input.k(), !closed, batch.itemsDone(),
        batch.itemsTotal(), batch.total(), input.minAnnotators(), deadlineMillis,
        new ArrayList<>(batch.annotators), batch.countsByAnnotator(), batch.lastActive(),
        input.state() == null ? 1 : input.state().runs() + 1);
  }

  @Override
  public OpenItems openItems(OpenItemsRequest q) {
    if (batch == null) {
      return new OpenItems(List.of(), 0, 0, 0);
    }
    List<String> open = closed ? List.of() : batch.openFor(q.annotator(), q.limit() <= 0 ? 20 : q.limit());
    return new OpenItems(open, batch.doneBy(q.annotator()), batch.itemsDone(), batch.itemsTotal());
  }

  /** Registered annotators, for tests and the status query. */
  Set<String> annotators() {
    return new LinkedHashSet<>(batch.annotators);
  }
}
