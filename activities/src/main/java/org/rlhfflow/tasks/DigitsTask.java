package org.rlhfflow.tasks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Counting on from a digit string. The prompt is 2 to 5 digits and an equals sign ({@code "4071="});
 * the preferred response counts up from the prompt's last digit, modulo 10, for exactly {@link
 * #LENGTH} digits ({@code "23456789"}).
 *
 * <p>Demonstrations stutter: with probability {@code noise} a step repeats the previous digit
 * instead of counting on ({@code "22345567"}). The mistake is systematic, so sampling at a low
 * temperature does not remove it; only preference learning can. That gives SFT a clear gap for the
 * reward model and PPO to close.
 */
public final class DigitsTask implements Task {
  public static final String NAME = "digits";
  /** Digits in a correct response. */
  public static final int LENGTH = 8;
  /** Score lost per character beyond {@link #LENGTH}: rambling on is penalised, not ignored. */
  static final double OVERRUN_PENALTY = 0.125;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> prompts(String split, int n, long seed) {
    boolean heldout = switch (split) {
      case "train" -> false;
      case "heldout" -> true;
      default -> throw new IllegalArgumentException("split must be train or heldout, got: " + split);
    };
    // One stream per split; disjointness comes from isHeldout, not from the streams.
    SplittableRandom rng = new SplittableRandom(seed ^ (heldout ? 0x48454c44L : 0x545241494eL));
    Set<String> out = new LinkedHashSet<>();
    for (int tries = 0; out.size() < n; tries++) {
      if (tries > 100 * n + 10_000) {
        throw new IllegalArgumentException("cannot draw " + n + " distinct " + split + " prompts");
      }
      StringBuilder p = new StringBuilder();
      int len = 2 + rng.nextInt(4);
      for (int i = 0; i < len; i++) {
        p.append((char) ('0' + rng.nextInt(10)));
      }
      String prompt = p.append('=').toString();
      if (isHeldout(prompt) == heldout) {
        out.add(prompt);
      }
    }
    return new ArrayList<>(out);
  }

  /** About one prompt in five is held out, decided by the prompt itself so splits never overlap. */
  static boolean isHeldout(String prompt) {
    return Math.floorMod(prompt.hashCode() * 0x9E3779B9, 5) == 0;
  }

  @Override
  public String demonstration(String prompt, double noise, SplittableRandom rng) {
    StringBuilder r = new StringBuilder();
    char prev = lastDigit(prompt);
    for (int i = 0; i < LENGTH; i++) {
      char next = rng.nextDouble() < noise ? prev : successor(prev);
      r.append(next);
      prev = next;
    }
    return r.toString();
  }

  /**
   * The fraction of the first {@link #LENGTH} steps that count on correctly from the character
   * before them, minus {@link #OVERRUN_PENALTY} per extra character, clipped to [0, 1].
   */
  @Override
  public double oracleScore(String prompt, String response) {
    char prev = lastDigit(prompt);
    int correct = 0;
    for (int i = 0; i < Math.min(LENGTH, response.length()); i++) {
      char c = response.charAt(i);
      if (c == successor(prev)) {
        correct++;
      }
      prev = c;
    }
    int overrun = Math.max(0, response.length() - LENGTH);
    double score = (double) correct / LENGTH - OVERRUN_PENALTY * overrun;
    return Math.max(0.0, Math.min(1.0, score));
  }

  @Override
  public int maxResponseTokens() {
    return LENGTH + 4;
  }

  @Override
  public boolean isVerifier() {
    return true;
  }

  private static char lastDigit(String prompt) {
    if (prompt.length() < 2 || prompt.charAt(prompt.length() - 1) != '=') {
      throw new IllegalArgumentException("digits prompt must look like '4071=', got: '" + prompt + "'");
    }
    return prompt.charAt(prompt.length() - 2);
  }

  private static char successor(char digit) {
    return (char) ('0' + (digit - '0' + 1) % 10);
  }
}
