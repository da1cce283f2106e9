package org.rlhfflow.workflows.human;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
import org.rlhfflow.activities.human.RankingRules;

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
    if (deadlineReached && batch.itemsDone() < Math.ceil(in.minFraction() * batch.itemsTotal())) {
      throw ApplicationFailure.newNonRetryableFailure(String.format(
          "batch %s: %d of %d items reached quorum (%d annotators) by the deadline, below min_fraction %s;"
              + " the %d rankings collected stay in this workflow's history and result details",
          in.batchId(), batch.itemsDone(), batch.itemsTotal(), in.minAnnotators(), in.minFraction(),
          batch.rankings().size()), QUORUM_MISSED, state());
    }
    return new FeedbackResult(in.batchId(), in.items(), List.copyOf(batch.rankings()), batch.itemsDone(),
        batch.itemsTotal(), deadlineReached);
  }

  private void init(FeedbackInput in) {
    input = in;
    FeedbackState s = in.state();
    batch = new Batch(in.itemIds(), in.minAnnotators());
    if (s == null) {
      deadlineMillis = Workflow.currentTimeMillis() + in.deadlineSeconds() * 1000;
      batch.annotators.addAll(in.annotators());
    } else {
      deadlineMillis = s.deadlineMillis();
      batch.annotators.addAll(s.annotators());
      s.rankings().forEach(batch::add);
    }
  }

  private void continueAsNew(FeedbackInput in) {
    rollingOver = true;
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(in.withState(state()));
  }

  private FeedbackState state() {
    int runs = input.state() == null ? 1 : input.state().runs() + 1;
    return new FeedbackState(deadlineMillis, List.copyOf(batch.annotators), List.copyOf(batch.rankings()), runs);
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
    batch.add(new Ranking(r.annotator(), r.item(), List.copyOf(r.ranks()), flag, Workflow.currentTimeMillis()));
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
        batch.itemsTotal(), batch.rankings().size(), input.minAnnotators(), deadlineMillis,
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
