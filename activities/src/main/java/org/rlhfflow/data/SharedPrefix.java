package org.rlhfflow.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits an implicit-prompt pair: the prompt is the longest shared prefix of chosen and rejected,
 * cut back to a word boundary. TRL cuts at the first differing character, which can split a word
 * ("yes" / "yellow" gives responses "s" and "llow"); we compare whole words and whitespace runs
 * instead, and leave the whitespace before the first differing word to the responses, so {@code
 * "Q: hi\n\nA: yes"} / {@code "Q: hi\n\nA: no"} gives prompt {@code "Q: hi\n\nA:"} and responses
 * {@code " yes"} / {@code " no"}, the convention of HH-RLHF and TRL.
 */
final class SharedPrefix {
  private static final Pattern TOKEN = Pattern.compile("\\s+|\\S+");

  private SharedPrefix() {}

  /** Length of the prompt within {@code chosen} (and {@code rejected}); 0 when they share no word. */
  static int cut(String chosen, String rejected) {
    List<int[]> a = tokens(chosen);
    List<int[]> b = tokens(rejected);
    int t = 0;
    while (t < a.size() && t < b.size() && same(chosen, a.get(t), rejected, b.get(t))) {
      t++;
    }
    if (t > 0 && Character.isWhitespace(chosen.charAt(a.get(t - 1)[0]))) {
      t--; // the separating whitespace belongs to the responses
    }
    return t == 0 ? 0 : a.get(t - 1)[1];
  }

  private static boolean same(String s, int[] x, String u, int[] y) {
    return x[1] - x[0] == y[1] - y[0] && s.regionMatches(x[0], u, y[0], x[1] - x[0]);
  }

  /** [start, end) of each maximal whitespace or non-whitespace run. */
  private static List<int[]> tokens(String s) {
    List<int[]> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      out.add(new int[] {m.start(), m.end()});
    }
    return out;
  }
}
