package org.rlhfflow.activities.ppo;

import static org.rlhfflow.spec.InvalidValueException.require;

import org.rlhfflow.model.rl.KlEstimator;
import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/**
 * PPO against the reward model with a KL penalty to the SFT policy. Defaults follow TRL's
 * PPOConfig and Huang et al. 2024, "The N+ Implementation Details of RLHF with PPO".
 */
@Doc("PPO against the reward model with a KL penalty to the frozen SFT policy (Ouyang et al. 2022, step 3; Huang et al. 2024).")
public record PpoSpec(
    @Doc(value = "Rollout-then-update iterations.", range = "[1, inf)", def = "60") int iterations,
    @Doc(value = "Prompts (episodes) sampled per iteration; the global batch.", range = "[1, inf)", source = "TRL batch_size", def = "64")
        int rolloutBatchSize,
    @Doc(value = "Episodes per gradient step; must divide rollout_batch_size.", range = "[1, inf)", source = "TRL mini_batch_size", def = "16")
        int minibatchSize,
    @Doc(value = "Optimisation passes over each rollout batch.", range = "[1, inf)", source = "Schulman et al. 2017; TRL num_ppo_epochs", def = "4")
        int ppoEpochs,
    @Doc(value = "Policy AdamW learning rate.", range = "(0, 1]", def = "3e-4") double learningRate,
    @Doc(value = "Critic AdamW learning rate.", range = "(0, 1]", def = "1e-3") double criticLearningRate,
    @Doc(
            value = "Weight beta of the per-token KL penalty to the SFT policy in the reward.",
            range = "[0, inf)",
            source = "Ouyang et al. 2022, eq. 2; TRL kl_coef 0.05", def = "0.05")
        double klCoef,
    @Doc(
            value = "KL estimator: k1 = log p - log q (unbiased, can go negative); k3 = (r - 1) - log r (non-negative, lower variance).",
            source = "Schulman 2020, Approximating KL Divergence; TRL kl_estimator", def = "k1")
        KlEstimator klEstimator,
    @Doc(value = "Adapt kl_coef towards kl_target instead of keeping it fixed.", source = "Ziegler et al. 2019, sec. 2.2", def = "false")
        boolean adaptiveKl,
    @Doc(value = "KL per sequence (nats) the adaptive controller aims for.", range = "(0, inf)", source = "Ziegler et al. 2019", def = "6.0")
        double klTarget,
    @Doc(value = "Horizon of the adaptive controller, in episodes.", range = "[1, inf)", source = "Ziegler et al. 2019", def = "10_000")
        int klHorizon,
    @Doc(value = "Discount factor; 1 because the reward arrives once at the end.", range = "[0, 1]", source = "Huang et al. 2024; TRL gamma", def = "1.0")
        double gamma,
    @Doc(value = "GAE lambda.", range = "[0, 1]", source = "Schulman et al. 2016; TRL lam", def = "0.95")
        double lam,
    @Doc(value = "Clip of the policy probability ratio.", range = "(0, 1]", source = "Schulman et al. 2017, eq. 7", def = "0.2")
        double cliprange,
    @Doc(value = "Clip of the value update around the old values.", range = "(0, inf)", source = "Huang et al. 2024; TRL cliprange_value", def = "0.2")
        double cliprangeValue,
    @Doc(value = "Weight of the value loss.", range = "[0, inf)", source = "TRL vf_coef", def = "0.1")
        double vfCoef,
    @Doc(value = "Normalise advantages to mean 0, std 1 per minibatch.", source = "Huang et al. 2024", def = "true")
        boolean whitenAdvantages,
    @Doc(
            value = "Sampling temperature of rollouts; the same value scales logits in the loss.",
            range = "(0, 10]",
            source = "Huang et al. 2024 (temperature in training)", def = "0.7")
        double temperature,
    @Doc(
            value = "Must stay 0 (off): rollouts are scored under the full softmax, so truncated sampling would bias the ratio and the KL.",
            source = "TRL PPOTrainer fixes top_k off",
            def = "0")
        int topK,
    @Doc(
            value = "Must stay 1 (off), for the same reason as top_k.",
            source = "TRL PPOTrainer fixes top_p off",
            def = "1.0")
        double topP,
    @Doc(value = "Tokens generated per rollout response.", range = "[1, inf)", def = "16") int maxNewTokens,
    @Doc(
            value = "Subtracted from the score of a response that ends without EOS; unset is off.",
            range = "[0, inf)",
            source = "Huang et al. 2024; TRL missing_eos_penalty")
        Double missingEosPenalty,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", def = "1.0")
        double maxGradNorm,
    @Doc(value = "Iterations between checkpoints.", range = "[1, inf)", def = "10") int checkpointEvery,
    @Doc(value = "Fail the stage as exploding KL when mean KL per sequence exceeds this; 0 is off.", range = "[0, inf)", def = "0.0")
        double maxKl) {

  public static final PpoSpec DEFAULT = SpecDefaults.of(PpoSpec.class);

  public PpoSpec {
    // PPO's importance ratio and KL penalty need log-probs of the distribution that was sampled.
    // Scoring under top-k/top-p truncation is not implemented, so refuse rather than bias them.
    require(topK == 0, "top_k", topK + " is not supported: PPO scores rollouts under the full softmax, so"
        + " truncated sampling would bias the ratio and the KL (TRL fixes top_k off); use 0");
    require(topP == 1.0, "top_p", topP + " is not supported: PPO scores rollouts under the full softmax, so"
        + " truncated sampling would bias the ratio and the KL (TRL fixes top_p off); use 1.0");
    require(
        rolloutBatchSize % minibatchSize == 0,
        "minibatch_size",
        minibatchSize + " does not divide rollout_batch_size " + rolloutBatchSize);
  }

  /** Gradient steps per rollout batch per PPO epoch. */
  public int minibatchesPerBatch() {
    return rolloutBatchSize / minibatchSize;
  }

  /** Gradient steps per iteration. */
  public int optimizerStepsPerIteration() {
    return ppoEpochs * minibatchesPerBatch();
  }

  /** Gradient steps of the whole stage. */
  public long totalOptimizerSteps() {
    return (long) iterations * optimizerStepsPerIteration();
  }

  /** Episodes (sampled responses) of the whole stage. */
  public long totalEpisodes() {
    return (long) iterations * rolloutBatchSize;
  }
}
