package org.rlhfflow.cli;

/**
 * Estimates a stage's remaining time from its heartbeats: the mean time per step since the first
 * step seen in this stage (so a resumed stage is timed from where it resumed, not from step 0),
 * counted down from when the current step was first seen, so the ETA falls between heartbeats.
 */
final class StepEta {
  private String stage = "";
  private long firstStep;
  private long firstNanos;
  private long lastStep = -1;
  private long lastNanos;

  /** "step 120/400 eta 01:23", or "step 120" without a total. */
  String describe(String currentStage, long step, long total, long nowNanos) {
    if (!currentStage.equals(stage) || step < firstStep) {
      stage = currentStage;
      firstStep = step;
      firstNanos = nowNanos;
    }
    if (step != lastStep) {
      lastStep = step;
      lastNanos = nowNanos;
    }
    if (total <= 0) {
      return "step " + step;
    }
    String text = "step " + step + "/" + total;
    long done = step - firstStep;
    if (done <= 0 || step >= total) {
      return text;
    }
    double perStep = (lastNanos - firstNanos) / 1e9 / done;
    long remaining = Math.max(0, Math.round(perStep * (total - step) - (nowNanos - lastNanos) / 1e9));
    return text + String.format(" eta %02d:%02d", remaining / 60, remaining % 60);
  }
}
