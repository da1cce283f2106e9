package org.rlhfflow.activities.w2s;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.data.LabelledText;

/**
 * The built-in weak-to-strong task {@code weighted}: a string of {@link #DIGITS} random digits is
 * labelled 1 when twice its first half's digit sum, minus its second half's, exceeds 22.5, the
 * score's mean ({@code "9081726354"}: 2 x 25 - 20 = 30, label 1). The score is an integer, so
 * there are no ties, and replacing every digit d by 9 - d reflects it about 22.5, so the classes
 * are balanced.
 *
 * <p>Why this task: it sits between {@link BalanceTask} and {@link HalvesTask}. The plain digit
 * sum correlates with the score (1 / sqrt(10)), so a model leaves chance from the first steps
 * instead of waiting on {@code halves}' loss plateau, but that alone labels only about 60% right
 * (1 - acos(0.316) / pi); the rest needs each digit bound to its half with the right weight, which
 * the larger presets learn in fewer steps (README, measured). A weak supervisor is then right far
 * from the boundary and unsure near it. The oracle is this class; no model ever sees it.
 */
public final class WeightedTask {
  public static final String NAME = "weighted";
  public static final int DIGITS = 10;

  private WeightedTask() {}

  /** {@code n} examples from the stream {@code seed}. */
  public static List<LabelledText> generate(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<LabelledText> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      StringBuilder text = new StringBuilder(DIGITS);
      for (int i = 0; i < DIGITS; i++) {
        text.append((char) ('0' + rng.nextInt(10)));
      }
      out.add(new LabelledText(text.toString(), label(text)));
    }
    return out;
  }

  /** The oracle's label of a string of digits. */
  public static int label(CharSequence digits) {
    return margin(digits) > 0 ? 1 : 0;
  }

  /**
   * Twice the score minus twice its mean (2 x (2 x 22.5 - 22.5) = 45 for ten digits): how far from
   * the boundary a string is, in half-units, so that it is an odd integer and never zero.
   */
  public static int margin(CharSequence digits) {
    int half = digits.length() / 2;
    int score = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(i) - '0';
      score += i < half ? 2 * d : -d;
    }
    return 2 * score - 9 * half;
  }
}
