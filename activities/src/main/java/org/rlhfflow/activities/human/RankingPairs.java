package org.rlhfflow.activities.human;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;

/**
 * Rankings to comparisons. A ranking of K responses yields its K(K-1)/2 ordered pairs (Ouyang et
 * al. 2022, sec. 3.5); a tie yields none. Several annotators of one item are aggregated per pair of
 * responses into the majority's preference, with the soft label the fraction of the annotators
 * with a preference who share it (as in Stiennon et al. 2020's pooled labels); an even split is a
 * tie and yields no pair.
 */
public final class RankingPairs {
  private RankingPairs() {}

  /**
   * One aggregated comparison of two responses of one item.
   *
   * @param chosen index of the preferred response
   * @param rejected index of the other
   * @param softLabel fraction of the annotators with a preference who preferred {@code chosen}
   * @param annotators every annotator who ranked the item, in arrival order
   * @param lastTimeMillis time of the latest of those rankings
   */
  public record Comparison(String item, int chosen, int rejected, double softLabel, List<String> annotators,
      long lastTimeMillis) {}

  /** The ordered pairs (better, worse) of one ranking; ties yield none. */
  public static List<int[]> pairs(List<Integer> ranks) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < ranks.size(); i++) {
      for (int j = i + 1; j < ranks.size(); j++) {
        int ri = ranks.get(i);
        int rj = ranks.get(j);
        if (ri < rj) {
          out.add(new int[] {i, j});
        } else if (rj < ri) {
          out.add(new int[] {j, i});
        }
      }
    }
    return out;
  }

  /** Rankings grouped by item, items in first-seen order. */
  public static Map<String, List<Ranking>> byItem(List<Ranking> rankings) {
    Map<String, List<Ranking>> out = new LinkedHashMap<>();
    for (Ranking r : rankings) {
      out.computeIfAbsent(r.item(), x -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /** The majority comparisons of one item's rankings, in response-pair order. */
  public static List<Comparison> aggregate(String item, List<Ranking> rankings, int k) {
    List<String> who = rankings.stream().map(Ranking::annotator).toList();
    long last = rankings.stream().mapToLong(Ranking::timeMillis).max().orElse(0);
    List<Comparison> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        int forI = 0;
        int forJ = 0;
        for (Ranking r : rankings) {
          int ri = r.ranks().get(i);
          int rj = r.ranks().get(j);
          forI += ri < rj ? 1 : 0;
          forJ += rj < ri ? 1 : 0;
        }
        if (forI != forJ) {
          boolean iWins = forI > forJ;
          double soft = (double) Math.max(forI, forJ) / (forI + forJ);
          out.add(new Comparison(item, iWins ? i : j, iWins ? j : i, soft, who, last));
        }
      }
    }
    return out;
  }
}
