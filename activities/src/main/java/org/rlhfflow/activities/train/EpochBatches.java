package org.rlhfflow.activities.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rlhfflow.model.Seeds;

/**
 * Which examples each optimizer step trains on: a fresh permutation per epoch drawn from (seed,
 * stage, epoch) alone, so a run resumed at any step sees exactly the batches it would have seen.
 * The last batch of an epoch may be short.
 *
 * <pre>{@code int[] rows = new EpochBatches(seed, "sft", 512, 32).indices(step);}</pre>
 */
public final class EpochBatches {
  private final long seed;
  private final String stage;
  private final int examples;
  private final int batchSize;
  private long cachedEpoch = -1;
  private int[] cachedPermutation;

  public EpochBatches(long seed, String stage, int examples, int batchSize) {
    if (examples <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException(
          stage + ": need examples > 0 and batchSize > 0, got examples=" + examples + " batchSize=" + batchSize);
    }
    this.seed = seed;
    this.stage = stage;
    this.examples = examples;
    this.batchSize = batchSize;
  }

  public int stepsPerEpoch() {
    return (examples + batchSize - 1) / batchSize;
  }

  /** The 0-based epoch that step {@code step} belongs to. */
  public long epochOf(long step) {
    return step / stepsPerEpoch();
  }

  /** Example indices of the 0-based optimizer step {@code step}. */
  public int[] indices(long step) {
    int[] perm = permutation(epochOf(step));
    int k = (int) (step % stepsPerEpoch());
    return Arrays.copyOfRange(perm, k * batchSize, Math.min((k + 1) * batchSize, examples));
  }

  private int[] permutation(long epoch) {
    if (epoch != cachedEpoch) {
      cachedPermutation = shuffled(examples, new SplittableRandom(Seeds.derive(seed, stage, "epoch", epoch)));
      cachedEpoch = epoch;
    }
    return cachedPermutation;
  }

  /** 0..n-1 in the order of a Fisher-Yates shuffle (Knuth, TAOCP vol. 2, Algorithm P). */
  public static int[] shuffled(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
