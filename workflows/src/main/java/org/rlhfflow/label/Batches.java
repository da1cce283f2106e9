package org.rlhfflow.label;

import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.workflows.human.FeedbackClient;
import org.rlhfflow.workflows.human.HumanCollectStage;

/**
 * Finds the HumanFeedback batches of the pipelines the app serves, by probing the child ids the
 * collect stage gives them ({@code <pipeline>-label-0, -1, ...}). Nothing is remembered between calls.
 */
final class Batches {
  private final FeedbackClient feedback;
  private final List<String> pipelines;

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
    try {
      return feedback.status(batchId);
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
