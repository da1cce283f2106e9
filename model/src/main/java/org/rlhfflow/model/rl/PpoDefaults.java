package org.rlhfflow.model.rl;

/**
 * PPO hyperparameters with their defaults and sources, in one place.
 *
 * <p>{@link #TRL} holds TRL {@code PPOConfig} defaults (TRL 0.12+, which follows Huang et al.
 * 2024, "The N+ Implementation Details of RLHF with PPO"); the adaptive-KL numbers are from Ziegler
 * et al. 2019, section 2.2.
 *
 * @param klCoef β, initial KL penalty coefficient (TRL 0.05)
 * @param klEstimator per-token KL estimate in the reward (TRL k1)
 * @param adaptiveKl whether β follows {@link AdaptiveKlController} (TRL: fixed)
 * @param klTarget target per-sequence KL in nats for the adaptive controller (Ziegler: 6)
 * @param klHorizon horizon in samples for the adaptive controller (Ziegler: 10 000)
 * @param gamma discount (TRL 1.0: one episode is one response)
 * @param lambda GAE λ (TRL 0.95)
 * @param clipRange policy ratio clip ε (TRL 0.2; Schulman et al. 2017)
 * @param clipRangeValue value clip ε_v (TRL 0.2)
 * @param vfCoef value-loss weight (TRL 0.1)
 * @param ppoEpochs optimisation epochs per rollout batch (TRL 4)
 * @param temperature sampling temperature; logits are scaled by it for scoring too (TRL 0.7)
 * @param whitenAdvantages whiten advantages per batch (TRL: always)
 * @param missingEosPenalty score penalty for responses without EOS; 0 = off (TRL: None)
 */
public record PpoDefaults(
    double klCoef,
    KlEstimator klEstimator,
    boolean adaptiveKl,
    double klTarget,
    double klHorizon,
    double gamma,
    double lambda,
    double clipRange,
    double clipRangeValue,
    double vfCoef,
    int ppoEpochs,
    double temperature,
    boolean whitenAdvantages,
    double missingEosPenalty) {

  public static final PpoDefaults TRL =
      new PpoDefaults(
          0.05, KlEstimator.K1, false, 6.0, 10_000, 1.0, 0.95, 0.2, 0.2, 0.1, 4, 0.7, true, 0.0);

  /** The KL controller these settings describe. */
  public KlController newKlController() {
    return adaptiveKl
        ? new AdaptiveKlController(klCoef, klTarget, klHorizon)
        : new FixedKlController(klCoef);
  }
}
