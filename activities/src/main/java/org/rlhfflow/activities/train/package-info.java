/**
 * What the SFT and reward-model stages share: {@link org.rlhfflow.activities.train.Sequences}
 * ({@code [BOS] prompt response [EOS]}, left-truncated, right-padded), {@link
 * org.rlhfflow.activities.train.EpochBatches} (per-epoch permutations from (seed, stage, epoch)) and
 * {@link org.rlhfflow.activities.train.TrainingLoop} (AdamW, warmup+cosine, clipping, metrics,
 * heartbeats, checkpoints that resume bit-exactly).
 */
package org.rlhfflow.activities.train;
