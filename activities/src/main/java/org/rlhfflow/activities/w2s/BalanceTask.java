package org.rlhfflow.activities.w2s;

import java.util.ArrayList;
import org.rlhfflow.data.LabelledText;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in weak-to-strong task, {@code balance}: a string of {@link #DIGITS} random digits is
 * labelled 1 when the digits at even positions sum to more than those at odd positions
 * ({@code "9081726354"}: 9+8+7+6+5 = 35 > 0+1+2+3+4 = 10, label 1). Ties are redrawn, so the
 * classes are balanced by symmetry.
 *
 * <p>Why this task: the label is a signed sum whose sign depends on each token's position, so a
 * model must combine token and position (an MLP on top of the embeddings) and then aggregate over
 * the whole string (attention); examples close to a tie need precise sums. Bigger models learn it
 * faster in the same steps, which gives the size ladder room: the README lists the measured
 * ceiling accuracy by preset. The oracle is this class; no model ever sees it.
 */
public final class BalanceTask {
  public static final String NAME = "balance";
  public static final int DIGITS = 10;

  private BalanceTask() {}

  /** {@code n} examples from the stream {@code seed}. */
  public static List<LabelledText> generate(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<LabelledText> out = new ArrayList<>(n);
    while (out.size() < n) {
      StringBuilder text = new StringBuilder(DIGITS);
      int balance = 0;
      for (int i = 0; i < DIGITS; i++) {
        int d = rng.nextInt(10);
        text.append((char) ('0' + d));
        balance += i % 2 == 0 ? d : -d;
      }
      if (balance != 0) {
        out.add(new LabelledText(text.toString(), balance > 0 ? 1 : 0));
      }
    }
    return out;
  }

  /** The oracle's label of a string of digits. */
  public static int label(String digits) {
    int balance = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(i) - '0';
      balance += i % 2 == 0 ? d : -d;
    }
    return balance > 0 ? 1 : 0;
  }
}
