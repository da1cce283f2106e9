package org.rlhfflow.cli;

/**
 * Estimates a stage's remaining time from its heartbeats: the mean rate since the first step seen
 * in this stage, so a resumed stage is timed from where it resumed, not from step 0.
 */
final class StepEta {
  private String stage = "";
  private long firstStep;
  private long firstNanos;

  /** "step 120/400 eta 01:23", or "step 120" without a total, or "" without a step. */
  String describe(String currentStage, long step, long total, long nowNanos) {
    if (!currentStage.equals(stage) || step < firstStep) {
      stage = currentStage;
      firstStep = step;
      firstNanos = nowNanos;
    }
    if (total <= 0) {
      return "step " + step;
    }
    String text = "step " + step + "/" + total;
    long done = step - firstStep;
    if (done <= 0 || step >= total) {
      return text;
    }
    long remaining = (long) ((nowNanos - firstNanos) / 1e9 / done * (total - step));
    return text + String.format(" eta %02d:%02d", remaining / 60, remaining % 60);
  }
}
