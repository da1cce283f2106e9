package org.rlhfflow.activities.w2s;

import java.util.ArrayList;
import org.rlhfflow.data.LabelledText;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in weak-to-strong task, {@code balance}: a string of {@link #DIGITS} random digits is
 * labelled 1 when its digits sum to more than {@link #THRESHOLD}, the mean ({@code "9081726354"}:
 * 45, redrawn; {@code "9981726354"}: 54, label 1). Ties are redrawn, so the classes are balanced by
 * symmetry.
 *
 * <p>Why this task: the signal is there from the first step (an average of digit values), so every
 * size learns it in a CPU budget, but the label of a string near the threshold depends on its exact
 * sum, and how precisely a model counts is what its capacity buys. An earlier version (even minus
 * odd positions) needed a token-by-position interaction first and left models above ~0.6M
 * parameters at chance for 100 steps. The README lists the measured accuracy by preset. The
 * oracle is this class; no model ever sees it.
 */
public final class BalanceTask {
  public static final String NAME = "balance";
  public static final int DIGITS = 10;
  public static final int THRESHOLD = 45;

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
        balance += d;
      }
      balance -= THRESHOLD;
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
      balance += d;
    }
    return balance > THRESHOLD ? 1 : 0;
  }
}
