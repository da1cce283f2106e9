package org.rlhfflow.activities.human;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackState;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.FeedbackRecords.StoredRankings;
import org.rlhfflow.store.ArtifactRef;

/**
 * A batch's rankings in the artifact store, so that workflow payloads carry a reference and not the
 * rankings (Temporal warns at 256 KB a payload), and so that a new run of the same labelling finds
 * them again. Everything is stored under a rankings key: the batch's items and the rules that say
 * when it is done ({@link #key}).
 */
@ActivityInterface
public interface RankingStoreActivities {

  /**
   * Adds rankings to what is stored.
   *
   * @param previous what is stored so far; null before the first save
   * @param added at most a few hundred rankings: the caller saves in chunks
   */
  record SaveInput(String key, StoredRankings previous, List<Ranking> added) {}

  /** A finished batch, recorded so a later run with the same items reuses it. */
  record LabelledInput(String key, FeedbackResult result) {}

  /**
   * What is stored under a key, for a batch about to start.
   *
   * @param firstItem the batch's item range, so {@code partial.ranked} is in its positions
   */
  record FindInput(String key, int firstItem, int itemCount) {}

  /**
   * @param finished the finished batch's result, if one was recorded: reuse it, ask no one
   * @param partial else, the rankings saved by an unfinished batch, as the state to start from; null if none
   */
  record Found(FeedbackResult finished, FeedbackState partial) {}

  @ActivityMethod(name = "SaveRankings")
  StoredRankings save(SaveInput input);

  @ActivityMethod(name = "RecordLabelledBatch")
  void recordLabelled(LabelledInput input);

  @ActivityMethod(name = "FindRankings")
  Found find(FindInput input);

  /**
   * The rankings key of a batch: its items (content address), K and quorum. A batch with the same
   * items and the same quorum is the same labelling work, whichever pipeline run asks for it.
   */
  static String key(ArtifactRef items, int k, int minAnnotators) {
    byte[] bytes = ("human-rankings/v1|" + items.sha256() + "|" + k + "|" + minAnnotators)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return org.rlhfflow.store.Sha256.hex(org.rlhfflow.store.Sha256.newDigest().digest(bytes));
  }
}
