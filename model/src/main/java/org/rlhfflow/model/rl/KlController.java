package org.rlhfflow.model.rl;

/**
 * Owner of the KL coefficient β used by {@link PpoRewards}.
 *
 * <p>Its whole state is one double, so a resumed run restores it exactly: save {@link #value()}
 * in the checkpoint and call {@link #restore(double)}.
 */
public interface KlController {
  /** The current coefficient β. */
  double value();

  /**
   * Updates β after a PPO batch.
   *
   * @param currentKl the mean per-sequence KL (nats) observed on the batch
   * @param nSteps how many samples (episodes) the batch held
   */
  void update(double currentKl, long nSteps);

  /** Sets β back to a saved {@link #value()}, for an exact resume. */
  void restore(double value);
}
