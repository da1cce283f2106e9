package org.rlhfflow.workflows.human;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItems;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItemsRequest;
import org.rlhfflow.activities.human.FeedbackRecords.RankAck;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.activities.human.FeedbackRecords.RegisterRequest;

/**
 * One batch of items waiting durably for people to rank them. Rankings arrive as the {@code rank}
 * Update, whose validator rejects a bad one before it enters history:
 *
 * <pre>
 * temporal workflow update execute --workflow-id ID --name rank --update-id alice:item-0003 \
 *     --input '{"annotator":"alice","item":"item-0003","ranks":[2,1,4,3],"flag":""}'
 * </pre>
 */
@WorkflowInterface
public interface HumanFeedbackWorkflow {
  String TYPE = "HumanFeedback";

  @WorkflowMethod(name = TYPE)
  FeedbackResult run(FeedbackInput input);

  @UpdateMethod(name = "rank")
  RankAck rank(RankRequest request);

  @UpdateValidatorMethod(updateName = "rank")
  void validateRank(RankRequest request);

  /** Adds an annotator to the batch (e.g. after {@code rlhf label token create}). */
  @UpdateMethod(name = "register")
  void register(RegisterRequest request);

  @UpdateValidatorMethod(updateName = "register")
  void validateRegister(RegisterRequest request);

  /** The validator's verdict without submitting: null if {@code rank} would accept the request. */
  @QueryMethod(name = "check")
  String check(RankRequest request);

  @QueryMethod(name = "status")
  FeedbackStatus status();

  /** Items the annotator may still rank: open, below quorum, not ranked by them. */
  @QueryMethod(name = "openItems")
  OpenItems openItems(OpenItemsRequest request);
}
