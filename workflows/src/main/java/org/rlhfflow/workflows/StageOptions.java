package org.rlhfflow.workflows;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Activity options, declared once per stage. The task queue comes from the spec's resources. */
final class StageOptions {
  private StageOptions() {}

  /**
   * Infrastructure errors (a lost worker, MinIO or MLflow down) are retried with backoff; bad input
   * fails non-retryably from the activity itself (ApplicationFailure.newNonRetryableFailure), so the
   * attempt cap only bounds bugs that look transient.
   */
  private static final RetryOptions RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .build();

  /** Spec resolution and tracking bookkeeping: seconds of work, on the default queue. */
  static ActivityOptions bookkeeping() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2)) // a YAML parse and a few MLflow calls
        .setRetryOptions(RETRY)
        .build();
  }

  /**
   * Training stages checkpoint and heartbeat {step, checkpointRef} at least every few seconds. A
   * worker killed mid-step is noticed after the heartbeat timeout, and the retry resumes from the
   * last checkpoint instead of from step 0.
   */
  static ActivityOptions training(String taskQueue, Duration budget) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(budget) // a whole attempt; generous, the heartbeat catches dead workers
        .setHeartbeatTimeout(Duration.ofSeconds(30)) // > the slowest step between heartbeats
        // On `temporal workflow cancel` the stage learns it at its next heartbeat, saves a checkpoint
        // and marks its run KILLED; the workflow waits for that before it closes the pipeline run.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(RETRY)
        .build();
  }

  static ActivityOptions collect(String taskQueue) {
    return training(taskQueue, Duration.ofHours(2)); // sampling K responses per prompt
  }

  static ActivityOptions sft(String taskQueue) {
    return training(taskQueue, Duration.ofHours(12));
  }

  static ActivityOptions rewardModel(String taskQueue) {
    return training(taskQueue, Duration.ofHours(12));
  }

  static ActivityOptions ppo(String taskQueue) {
    return training(taskQueue, Duration.ofHours(24)); // the longest stage by far
  }

  static ActivityOptions evaluate(String taskQueue) {
    return training(taskQueue, Duration.ofHours(2));
  }

  /** One weak-to-strong classifier run, or one seed's data splits: minutes each on CPU. */
  static ActivityOptions w2sTraining(String taskQueue) {
    return training(taskQueue, Duration.ofHours(6));
  }
}
