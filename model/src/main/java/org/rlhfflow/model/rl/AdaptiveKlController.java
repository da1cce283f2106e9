package org.rlhfflow.model.rl;

/**
 * Adaptive KL coefficient that steers the observed KL towards a target (Ziegler et al. 2019,
 * "Fine-Tuning Language Models from Human Preferences", section 2.2, eq. 3).
 *
 * <p>e = clip(KL/target − 1, −0.2, 0.2), β ← β·(1 + e·n/horizon), where n is the number of
 * samples in the batch. The clip bounds how fast β can move on one noisy batch. Ziegler et al.
 * use target 6 nats and horizon 10 000 (also TRL's old {@code PPOConfig} defaults).
 */
public final class AdaptiveKlController implements KlController {
  /** Bound on the proportional error, from Ziegler et al. 2019. */
  public static final double MAX_ERROR = 0.2;

  private final double target;
  private final double horizon;
  private double value;

  public AdaptiveKlController(double initValue, double target, double horizon) {
    requireNonNegative("initial kl coefficient", initValue);
    if (!(target > 0) || !(horizon > 0)) {
      throw new IllegalArgumentException(
          "target and horizon must be > 0, got target=" + target + " horizon=" + horizon);
    }
    this.value = initValue;
    this.target = target;
    this.horizon = horizon;
  }

  @Override
  public double value() {
    return value;
  }

  @Override
  public void update(double currentKl, long nSteps) {
    if (!Double.isFinite(currentKl) || nSteps < 0) {
      throw new IllegalArgumentException(
          "need a finite KL and nSteps >= 0, got kl=" + currentKl + " nSteps=" + nSteps);
    }
    double error = Math.max(-MAX_ERROR, Math.min(MAX_ERROR, currentKl / target - 1));
    value *= 1 + error * nSteps / horizon;
  }

  @Override
  public void restore(double value) {
    requireNonNegative("restored kl coefficient", value);
    this.value = value;
  }

  static void requireNonNegative(String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
    }
  }
}
