package org.rlhfflow.activities.human;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.rlhfflow.store.ArtifactRef;

/**
 * The records a {@code HumanFeedback} workflow takes and returns. Only ids, ranks and references
 * travel: the prompts and responses stay in the artifact store ({@link #items} in the input).
 */
public final class FeedbackRecords {
  private FeedbackRecords() {}

  /**
   * One batch of items waiting for people.
   *
   * @param batchId the workflow id; annotator tokens name the batches they may label
   * @param items the content-addressed JSON with the prompts, the K responses and their token ids
   * @param itemIds ids of the items, in order; every item has exactly {@code k} responses
   * @param k responses per item
   * @param minAnnotators distinct annotators per item; an item closes when it has that many
   * @param annotators annotator ids registered for the batch from the start
   * @param deadlineSeconds how long to wait for quorum on every item, counted from the first run
   * @param minFraction items that must reach quorum by the deadline, or the batch fails
   * @param rankingsPerRun updates accepted by one run before it continues as new (Temporal caps a
   *     history at 2,000 updates)
   * @param state what earlier runs collected; null on the first run
   * @param rankingsKey where the batch keeps its rankings in the artifact store ({@link
   *     RankingStoreActivities}); null keeps them in the workflow's payloads (batches started before
   *     the store, and ones started by hand), which grow ~60 B per ranking
   * @param firstItem with {@code itemIds} null, the ids are {@link LabelItems#itemId} of
   *     {@code firstItem .. firstItem + itemCount - 1}, so the input does not grow with the batch
   */
  public record FeedbackInput(
      String batchId,
      ArtifactRef items,
      List<String> itemIds,
      int k,
      int minAnnotators,
      List<String> annotators,
      long deadlineSeconds,
      double minFraction,
      int rankingsPerRun,
      FeedbackState state,
      String rankingsKey,
      int firstItem,
      int itemCount) {

    public FeedbackInput(String batchId, ArtifactRef items, List<String> itemIds, int k, int minAnnotators,
        List<String> annotators, long deadlineSeconds, double minFraction, int rankingsPerRun, FeedbackState state) {
      this(batchId, items, itemIds, k, minAnnotators, annotators, deadlineSeconds, minFraction, rankingsPerRun, state,
          null, 0, 0);
    }

    public FeedbackInput withState(FeedbackState next) {
      return new FeedbackInput(batchId, items, itemIds, k, minAnnotators, annotators, deadlineSeconds,
          minFraction, rankingsPerRun, next, rankingsKey, firstItem, itemCount);
    }

    /** The item ids, given or derived from the range. */
    public List<String> ids() {
      if (itemIds != null) {
        return itemIds;
      }
      return LabelItems.itemIds(firstItem, itemCount);
    }
  }

  /**
   * A batch's rankings in the artifact store: one JSON array of {@link Ranking}, in arrival order,
   * rewritten (content-addressed) at each save.
   *
   * @param count rankings in the file
   * @param saves saves so far; the next one records progress number {@code saves}
   */
  public record StoredRankings(ArtifactRef rankings, int count, int saves) {}

  /**
   * What continue-as-new carries from one run to the next.
   *
   * @param deadlineMillis absolute workflow time of the deadline, fixed by the first run
   * @param annotators every annotator registered so far
   * @param rankings every ranking accepted so far, in arrival order
   * @param runs runs completed before this one
   * @param stored with a rankings key: the rankings saved so far (then {@code rankings} is null)
   * @param ranked with a rankings key: per annotator, a base64 bit set of the item positions they
   *     ranked ({@link RankedSets}), what the validator needs without the rankings themselves
   * @param lastActive with a rankings key: workflow time of each annotator's latest ranking
   */
  public record FeedbackState(long deadlineMillis, List<String> annotators, List<Ranking> rankings, int runs,
      StoredRankings stored, Map<String, String> ranked, Map<String, Long> lastActive) {

    public FeedbackState(long deadlineMillis, List<String> annotators, List<Ranking> rankings, int runs) {
      this(deadlineMillis, annotators, rankings, runs, null, null, null);
    }
  }

  /**
   * One person's ranking of one item.
   *
   * @param annotator the annotator id (never the token)
   * @param item the item id
   * @param ranks rank of each response, in response order: 1 is best, equal ranks are ties
   * @param flag "" or one of {@code unsafe}, {@code unsure}
   * @param timeMillis workflow time when the ranking was accepted
   */
  public record Ranking(String annotator, String item, List<Integer> ranks, String flag, long timeMillis) {}

  /** A submission: the {@code rank} update's argument. Its update id is {@code annotator:item}. */
  public record RankRequest(String annotator, String item, List<Integer> ranks, String flag) {

    /** The idempotency key: a second click on the same item by the same person counts once. */
    public String updateId() {
      return annotator + ":" + item;
    }
  }

  /** What a submission returns: the annotator's and the batch's progress. */
  public record RankAck(int annotatorDone, int itemsDone, int itemsTotal) {}

  /** The {@code register} update's argument. */
  public record RegisterRequest(String annotator) {}

  /**
   * The {@code status} query.
   *
   * @param open false once the batch stops accepting rankings (quorum on every item, or deadline)
   * @param rankingsByAnnotator rankings per annotator, over every run
   * @param lastActiveMillis workflow time of each annotator's latest ranking
   */
  public record FeedbackStatus(
      String batchId,
      ArtifactRef items,
      int k,
      boolean open,
      int itemsDone,
      int itemsTotal,
      int rankings,
      int minAnnotators,
      long deadlineMillis,
      List<String> annotators,
      Map<String, Integer> rankingsByAnnotator,
      Map<String, Long> lastActiveMillis,
      int runs) {}

  /** The {@code openItems} query's argument and answer: items the annotator may still rank. */
  public record OpenItemsRequest(String annotator, int limit) {}

  public record OpenItems(List<String> itemIds, int annotatorDone, int itemsDone, int itemsTotal) {}

  /**
   * The workflow's result.
   *
   * @param deadlineReached true when the batch closed at the deadline rather than at full quorum
   * @param rankings the rankings inline (batches without a rankings key), else null
   * @param stored the rankings in the artifact store (batches with a rankings key), else null
   */
  public record FeedbackResult(
      String batchId, ArtifactRef items, List<Ranking> rankings, int itemsDone, int itemsTotal,
      boolean deadlineReached, @JsonInclude(JsonInclude.Include.NON_NULL) StoredRankings stored) {

    public FeedbackResult(String batchId, ArtifactRef items, List<Ranking> rankings, int itemsDone, int itemsTotal,
        boolean deadlineReached) {
      this(batchId, items, rankings, itemsDone, itemsTotal, deadlineReached, null);
    }
  }
}
