package org.rlhfflow.model.rl;

/** A KL coefficient that never changes (TRL's default, {@code kl_coef=0.05}). */
public final class FixedKlController implements KlController {
  private double value;

  public FixedKlController(double value) {
    AdaptiveKlController.requireNonNegative("kl coefficient", value);
    this.value = value;
  }

  @Override
  public double value() {
    return value;
  }

  @Override
  public void update(double currentKl, long nSteps) {
    // fixed by design
  }

  @Override
  public void restore(double value) {
    AdaptiveKlController.requireNonNegative("restored kl coefficient", value);
    this.value = value;
  }
}
