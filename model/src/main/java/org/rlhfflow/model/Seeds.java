package org.rlhfflow.model;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent 64-bit seeds from (seed, stage, step, ...) so that every random stream is
 * reproducible on its own, whatever else ran before it.
 *
 * <pre>{@code new SplittableRandom(Seeds.derive(seed, "ppo", "rollout", step))}</pre>
 */
public final class Seeds {
  private Seeds() {}

  /** Mixes the base seed with each part in order; parts may be strings or numbers. */
  public static long derive(long seed, Object... parts) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    for (Object part : parts) {
      h = mix(h ^ fnv1a(String.valueOf(part)) + 0x9E3779B97F4A7C15L);
    }
    return h;
  }

  // Stafford's "Mix13" finaliser, the one SplittableRandom uses (Steele et al. 2014).
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long fnv1a(String s) {
    long h = 0xCBF29CE484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
    }
    return h;
  }
}
