/**
 * PPO for RLHF: KL-shaped rewards, GAE, whitening and KL controllers on plain Java arrays (exact
 * and deterministic, no gradient needed at rollout time), and the clipped PPO loss on NDArrays.
 *
 * <p>One PPO batch: {@link org.rlhfflow.model.rl.PpoRewards} → {@link org.rlhfflow.model.rl.Gae}
 * → {@link org.rlhfflow.model.rl.Whiten} (advantages) → for each epoch and minibatch
 * {@link org.rlhfflow.model.rl.PpoLoss} → then {@link org.rlhfflow.model.rl.KlController#update}
 * with the batch's mean KL sum. Defaults and sources: the activities' {@code PpoSpec}.
 */
package org.rlhfflow.model.rl;
