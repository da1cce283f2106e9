package org.rlhfflow.workflows;

import io.temporal.activity.ActivityOptions;
import java.time.Duration;
import org.rlhfflow.activities.registry.StageDef;

/** Options of the bookkeeping activities; each stage's own options come from its registry entry. */
final class StageOptions {
  private StageOptions() {}

  /** Spec resolution and tracking bookkeeping: seconds of work, on the default queue. */
  static ActivityOptions bookkeeping() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2)) // a YAML parse and a few MLflow calls
        .setRetryOptions(StageDef.RETRY)
        .build();
  }
}
