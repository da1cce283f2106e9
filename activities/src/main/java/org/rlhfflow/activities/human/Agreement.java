package org.rlhfflow.activities.human;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;

/**
 * Inter-annotator statistics of a set of rankings. Pairwise agreement is the fraction of
 * (annotator pair, response pair) cases on a shared item where both give the same relation (better,
 * tie or worse): it compares the orders themselves, not the rankings as strings. Alpha treats each
 * (item, response) as a unit and its ranks as ordinal values ({@link Krippendorff}).
 */
public final class Agreement {
  private Agreement() {}

  /**
   * @param agreement pairwise agreement over every shared item, NaN if no item has two annotators
   * @param alpha Krippendorff's ordinal alpha, NaN if undefined
   * @param byAnnotator each annotator's agreement with the others on the items they share
   * @param itemsPerHour rankings per hour of labelling, per annotator: (n - 1) over the time from
   *     their first to their last ranking, NaN with fewer than two rankings
   */
  public record Stats(double agreement, double alpha, Map<String, Double> byAnnotator,
      Map<String, Double> itemsPerHour, double batchItemsPerHour) {}

  public static Stats of(List<Ranking> rankings, int k) {
    Map<String, List<Ranking>> items = RankingPairs.byItem(rankings);
    Map<String, int[]> agree = new LinkedHashMap<>(); // annotator -> {agreed, compared}
    int agreed = 0;
    int compared = 0;
    List<List<Integer>> units = new ArrayList<>();
    List<String> coders = new ArrayList<>(new TreeSet<>(rankings.stream().map(Ranking::annotator).toList()));
    for (List<Ranking> rs : items.values()) {
      for (int a = 0; a < rs.size(); a++) {
        for (int b = a + 1; b < rs.size(); b++) {
          int[] same = compare(rs.get(a).ranks(), rs.get(b).ranks(), k);
          agreed += same[0];
          compared += same[1];
          add(agree, rs.get(a).annotator(), same);
          add(agree, rs.get(b).annotator(), same);
        }
      }
      units.addAll(units(rs, coders, k));
    }
    Map<String, Double> byAnnotator = new LinkedHashMap<>();
    agree.forEach((who, c) -> byAnnotator.put(who, (double) c[0] / c[1]));
    return new Stats(compared == 0 ? Double.NaN : (double) agreed / compared, Krippendorff.ordinal(units),
        byAnnotator, itemsPerHour(rankings), rate(rankings));
  }

  /** {agreements, comparisons} between two rankings of the same item. */
  static int[] compare(List<Integer> x, List<Integer> y, int k) {
    int same = 0;
    int all = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        same += Integer.signum(x.get(i) - x.get(j)) == Integer.signum(y.get(i) - y.get(j)) ? 1 : 0;
        all++;
      }
    }
    return new int[] {same, all};
  }

  private static void add(Map<String, int[]> agree, String who, int[] same) {
    int[] c = agree.computeIfAbsent(who, x -> new int[2]);
    c[0] += same[0];
    c[1] += same[1];
  }

  /** One unit per response of the item: the rank each coder gave it, null where they gave none. */
  private static List<List<Integer>> units(List<Ranking> rs, List<String> coders, int k) {
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Integer[] values = new Integer[coders.size()];
      for (Ranking r : rs) {
        values[coders.indexOf(r.annotator())] = r.ranks().get(i);
      }
      out.add(Arrays.asList(values));
    }
    return out;
  }

  private static Map<String, Double> itemsPerHour(List<Ranking> rankings) {
    Map<String, List<Ranking>> by = new HashMap<>();
    for (Ranking r : rankings) {
      by.computeIfAbsent(r.annotator(), x -> new ArrayList<>()).add(r);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    new TreeSet<>(by.keySet()).forEach(who -> out.put(who, rate(by.get(who))));
    return out;
  }

  private static double rate(List<Ranking> rs) {
    long first = rs.stream().mapToLong(Ranking::timeMillis).min().orElse(0);
    long last = rs.stream().mapToLong(Ranking::timeMillis).max().orElse(0);
    if (rs.size() < 2 || last == first) {
      return Double.NaN;
    }
    return (rs.size() - 1) / ((last - first) / 3_600_000.0);
  }
}
