/**
 * The PPO stage of RLHF (Ouyang et al. 2022, step 3; TRL PPOTrainer; Huang et al. 2024).
 *
 * <p>{@link org.rlhfflow.activities.ppo.PpoActivitiesImpl} runs {@code PpoTrainer}: per iteration
 * {@code RolloutCollector} samples and scores a batch (policy, reference, critic, reward model,
 * all under no-grad, one forward each), {@code PpoUpdater} runs the clipped PPO epochs, and the KL
 * controller adapts. {@code PpoModels} owns the four models, both AdamW states and the checkpoint
 * layout ({@code policy/}, {@code critic/}); {@code PpoCurve} is the reward-over-KL history the
 * evaluation plots.
 */
package org.rlhfflow.activities.ppo;
