package org.rlhfflow.model.optim;

/**
 * Learning rate as a pure function of the step: linear warmup, then cosine decay to
 * {@code minRatio·peak} (Loshchilov &amp; Hutter 2017, SGDR; the schedule of GPT-3 and nanoGPT).
 *
 * <p>Step s is the 0-based index of the update about to be applied. For s &lt; warmup the rate is
 * peak·(s+1)/warmup, so the first update is already non-zero; from s = warmup to s = total it
 * follows min + (peak − min)·(1 + cos(π·progress))/2; after total it stays at min. Being a pure
 * function of s, a resumed run needs no schedule state.
 *
 * <pre>{@code double lr = new LrSchedule(3e-4, 100, 5000, 0.1).at(step);}</pre>
 */
public record LrSchedule(double peakLr, long warmupSteps, long totalSteps, double minRatio) {
  public LrSchedule {
    if (!(peakLr > 0) || warmupSteps < 0 || totalSteps < warmupSteps) {
      throw new IllegalArgumentException(
          "need peakLr > 0 and 0 <= warmupSteps <= totalSteps, got peakLr=" + peakLr
              + " warmupSteps=" + warmupSteps + " totalSteps=" + totalSteps);
    }
    if (!(minRatio >= 0 && minRatio <= 1)) {
      throw new IllegalArgumentException("minRatio must be in [0, 1], got " + minRatio);
    }
  }

  /** A constant rate, for tests and for stages without a schedule. */
  public static LrSchedule constant(double lr) {
    return new LrSchedule(lr, 0, 0, 1);
  }

  public double at(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (step < warmupSteps) {
      return peakLr * (step + 1) / warmupSteps;
    }
    double minLr = peakLr * minRatio;
    if (step >= totalSteps) {
      return minLr;
    }
    double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
    return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
