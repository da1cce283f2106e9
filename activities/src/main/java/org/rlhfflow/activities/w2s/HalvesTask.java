package org.rlhfflow.activities.w2s;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.data.LabelledText;

/**
 * The built-in weak-to-strong task where capacity matters, {@code halves}: a string of {@link
 * #DIGITS} random digits is labelled 1 when its first half sums to more than its second half
 * ({@code "9081726354"}: 25 against 20, label 1). Ties are redrawn, so the classes are balanced by
 * symmetry (swapping the halves flips the label).
 *
 * <p>Why this task: {@link BalanceTask}'s plain sum is one average over all tokens, which every
 * preset learns to ~0.98 in a few dozen steps, so it leaves no gap to recover. Here the sign of
 * each digit depends on its position, so the model must bind token to position (attend to each
 * half separately) before it can count; a string far from a tie is easy and one near a tie is
 * labelled by its exact difference. The README lists the measured accuracy by size: in the w2s
 * budget it follows each run's escape from the loss plateau more than its size. An earlier attempt,
 * digits at even positions minus those at odd ones, needs a finer position pattern and left
 * models above ~0.6M parameters at chance for 100 steps. The oracle is this class; no model
 * ever sees it.
 */
public final class HalvesTask {
  public static final String NAME = "halves";
  public static final int DIGITS = 10;

  private HalvesTask() {}

  /** {@code n} examples from the stream {@code seed}. */
  public static List<LabelledText> generate(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<LabelledText> out = new ArrayList<>(n);
    while (out.size() < n) {
      StringBuilder text = new StringBuilder(DIGITS);
      for (int i = 0; i < DIGITS; i++) {
        text.append((char) ('0' + rng.nextInt(10)));
      }
      int diff = difference(text);
      if (diff != 0) {
        out.add(new LabelledText(text.toString(), diff > 0 ? 1 : 0));
      }
    }
    return out;
  }

  /** The oracle's label of a string of digits. */
  public static int label(String digits) {
    return difference(digits) > 0 ? 1 : 0;
  }

  /** Sum of the first half's digits minus the second half's. */
  private static int difference(CharSequence digits) {
    int half = digits.length() / 2;
    int diff = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(i) - '0';
      diff += i < half ? d : -d;
    }
    return diff;
  }
}
