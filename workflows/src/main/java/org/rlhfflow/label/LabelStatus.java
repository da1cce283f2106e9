package org.rlhfflow.label;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.workflows.human.FeedbackClient;

/** The labelling lines of {@code rlhf status ID}: items done / needed and who is active, per batch. */
public final class LabelStatus {
  /** An annotator with a ranking this recent counts as active. */
  static final long ACTIVE_MILLIS = 15 * 60 * 1000;

  private LabelStatus() {}

  /** Prints nothing when the pipeline has no HumanFeedback batches. */
  public static void print(PrintWriter out, FeedbackClient feedback, String pipelineId, long nowMillis) {
    List<FeedbackStatus> batches = new Batches(feedback, List.of(pipelineId)).all();
    for (FeedbackStatus s : batches) {
      out.printf("labels:    %s %s: %d / %d items at quorum (%d annotators each), %d rankings%n", s.batchId(),
          s.open() ? "open" : "closed", s.itemsDone(), s.itemsTotal(), s.minAnnotators(), s.rankings());
      out.println("           annotators: " + annotators(s, nowMillis));
    }
  }

  static String annotators(FeedbackStatus s, long nowMillis) {
    if (s.annotators().isEmpty()) {
      return "none registered yet";
    }
    StringBuilder b = new StringBuilder();
    for (String who : s.annotators()) {
      Map<String, Long> last = s.lastActiveMillis();
      boolean active = last.containsKey(who) && nowMillis - last.get(who) < ACTIVE_MILLIS;
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(who).append(" (").append(s.rankingsByAnnotator().getOrDefault(who, 0)).append(active ? ", active)" : ")");
    }
    return b.toString();
  }
}
