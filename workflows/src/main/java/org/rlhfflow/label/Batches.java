package org.rlhfflow.label;

import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.workflows.human.FeedbackClient;
import org.rlhfflow.workflows.human.HumanCollectStage;

/**
 * Finds the HumanFeedback batches of the pipelines the app serves, by probing the child ids the
 * collect stage gives them ({@code <pipeline>-label-0, -1, ...}). Only closed, immutable statuses are kept.
 */
final class Batches {
  private final FeedbackClient feedback;
  private final List<String> pipelines;
  /**
   * Statuses of closed batches. A closed batch never changes, and querying a closed workflow makes
   * a worker replay its whole history (hundreds of updates) on every call.
   */
  private final Map<String, FeedbackStatus> closed = new ConcurrentHashMap<>();

  Batches(FeedbackClient feedback, List<String> pipelines) {
    this.feedback = feedback;
    this.pipelines = List.copyOf(pipelines);
  }

  List<FeedbackStatus> all() {
    List<FeedbackStatus> out = new ArrayList<>();
    for (String p : pipelines) {
      for (int b = 0; ; b++) {
        FeedbackStatus s = status(HumanCollectStage.batchId(p, b));
        if (s == null) {
          break;
        }
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The batch's status, or null if there is no such batch (yet). A query nobody answers (no worker
   * running, or one just restarted) is a 503: the batch is there, and retrying is the right move.
   */
  FeedbackStatus status(String batchId) {
    FeedbackStatus done = closed.get(batchId);
    if (done != null) {
      return done;
    }
    try {
      FeedbackStatus s = feedback.status(batchId);
      if (s != null && !s.open()) {
        closed.put(batchId, s);
      }
      return s;
    } catch (WorkflowNotFoundException e) {
      return null;
    } catch (WorkflowQueryException | WorkflowServiceException e) {
      if (e.getCause() instanceof WorkflowNotFoundException) {
        return null;
      }
      throw new HttpProblem(503, "batch " + batchId + ": Temporal did not answer the status query (is a worker"
          + " running?); try again shortly");
    }
  }

  boolean serves(String batchId) {
    return pipelines.stream().anyMatch(p -> batchId.startsWith(p + "-label-"));
  }
}
