package org.rlhfflow.activities.human;

import java.util.ArrayList;
import java.util.List;

/**
 * What a valid ranking of K responses is. Ranks are 1-based, 1 is best and equal ranks are ties,
 * written either as competition ranks ({@code 1,1,3,4}) or dense ranks ({@code 1,1,2,3}); only the
 * order between responses matters. Pure functions, so the workflow's validator and the web app
 * apply the same rules.
 */
public final class RankingRules {
  private RankingRules() {}

  /** Null when {@code ranks} ranks K responses, else a one-line reason naming the problem. */
  public static String problem(List<Integer> ranks, int k) {
    if (ranks == null) {
      return "ranks: missing";
    }
    if (ranks.size() != k) {
      return "ranks: " + ranks.size() + " ranks given, this item has K = " + k + " responses";
    }
    for (int i = 0; i < k; i++) {
      Integer r = ranks.get(i);
      if (r == null || r < 1 || r > k) {
        return "ranks[" + i + "]: " + r + " is not a rank in [1, " + k + "]";
      }
    }
    if (!ranks.equals(competition(ranks)) && !ranks.equals(dense(ranks))) {
      return "ranks: " + ranks + " skips a rank (write ties as equal ranks, e.g. 1,1,3,4 or 1,1,2,3)";
    }
    return null;
  }

  /** Competition ranks: 1 + the number of responses ranked strictly better. */
  static List<Integer> competition(List<Integer> ranks) {
    List<Integer> out = new ArrayList<>(ranks.size());
    for (int a : ranks) {
      int better = 0;
      for (int b : ranks) {
        if (b < a) {
          better++;
        }
      }
      out.add(better + 1);
    }
    return out;
  }

  /** Dense ranks: 1 + the number of distinct better ranks. */
  static List<Integer> dense(List<Integer> ranks) {
    List<Integer> out = new ArrayList<>(ranks.size());
    for (int a : ranks) {
      out.add(1 + (int) ranks.stream().filter(b -> b < a).distinct().count());
    }
    return out;
  }
}
