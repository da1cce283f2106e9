package org.rlhfflow.activities.w2s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rlhfflow.activities.w2s.W2sActivities.Plan;
import org.rlhfflow.activities.w2s.W2sActivities.TrainResult;
import org.rlhfflow.model.loss.Pgr;

/**
 * The sweep's numbers, as Burns et al. 2023 report them: per (weak, strong) pair, mean test
 * accuracies over seeds and PGR per loss as the median over seeds, where a seed whose ceiling does
 * not beat its weak supervisor is excluded (PGR is undefined or meaningless there) and counted.
 */
final class W2sTable {
  /** One row of the table. PGRs are null when every seed was excluded. */
  record Pair(String weak, String strong, long weakParams, long strongParams, double weakAccuracy,
      double ceilingAccuracy, Map<String, Double> studentAccuracy, Map<String, Double> pgr,
      Map<String, Integer> excluded) {}

  /** The bootstrapping chain against direct transfer from its first to its last model (xent). */
  record Bootstrap(List<String> chain, Double pgr, Double directPgr, double finalAccuracy, double directAccuracy,
      int excluded) {}

  private final Plan plan;
  private final List<TrainResult> runs;

  W2sTable(Plan plan, List<TrainResult> runs) {
    this.plan = plan;
    this.runs = runs;
  }

  List<Pair> pairs() {
    List<Pair> out = new ArrayList<>();
    for (String weak : plan.weak()) {
      for (String strong : plan.strong()) {
        Map<String, Double> acc = new LinkedHashMap<>();
        Map<String, Double> pgr = new LinkedHashMap<>();
        Map<String, Integer> excluded = new LinkedHashMap<>();
        for (String loss : plan.losses()) {
          acc.put(loss, mean(plan.seeds().stream().map(s -> student(weak, strong, loss, s)).toList()));
          List<Double> perSeed = new ArrayList<>();
          for (long seed : plan.seeds()) {
            Double p = pgr(acc("weak", weak, seed), student(weak, strong, loss, seed), acc("ceiling", strong, seed));
            if (p != null) {
              perSeed.add(p);
            }
          }
          pgr.put(loss, median(perSeed));
          excluded.put(loss, plan.seeds().size() - perSeed.size());
        }
        out.add(new Pair(weak, strong, plan.params().get(weak), plan.params().get(strong),
            mean(plan.seeds().stream().map(s -> acc("weak", weak, s)).toList()),
            mean(plan.seeds().stream().map(s -> acc("ceiling", strong, s)).toList()), acc, pgr, excluded));
      }
    }
    return out;
  }

  /** Null when the chain is off. */
  Bootstrap bootstrap() {
    List<String> chain = plan.bootstrap();
    if (chain.isEmpty()) {
      return null;
    }
    String first = chain.get(0);
    String last = chain.get(chain.size() - 1);
    List<Double> chainPgr = new ArrayList<>();
    List<Double> directPgr = new ArrayList<>();
    List<Double> finalAcc = new ArrayList<>();
    List<Double> directAcc = new ArrayList<>();
    for (long seed : plan.seeds()) {
      double weak = acc("weak", first, seed);
      double ceiling = acc("ceiling", last, seed);
      double end = find("bootstrap", last, "xent", seed, chain.get(chain.size() - 2)).testAccuracy();
      double direct = student(first, last, "xent", seed);
      finalAcc.add(end);
      directAcc.add(direct);
      Double p = pgr(weak, end, ceiling);
      if (p != null) {
        chainPgr.add(p);
        directPgr.add(pgr(weak, direct, ceiling));
      }
    }
    return new Bootstrap(chain, median(chainPgr), median(directPgr), mean(finalAcc), mean(directAcc),
        plan.seeds().size() - chainPgr.size());
  }

  /** Excluded (null) unless the ceiling beats the weak supervisor. */
  static Double pgr(double weak, double student, double ceiling) {
    return ceiling > weak ? Pgr.compute(weak, student, ceiling) : null;
  }

  private double student(String weak, String strong, String loss, long seed) {
    return find("student", strong, loss, seed, weak).testAccuracy();
  }

  private double acc(String role, String model, long seed) {
    return find(role, model, "xent", seed, null).testAccuracy();
  }

  private TrainResult find(String role, String model, String loss, long seed, String supervisor) {
    return runs.stream()
        .filter(r -> r.role().equals(role) && r.model().equals(model) && r.loss().equals(loss) && r.seed() == seed
            && Objects.equals(r.supervisor(), supervisor))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + role + " run of " + model + " (" + loss + ", seed " + seed
            + (supervisor == null ? "" : ", labels from " + supervisor) + ")"));
  }

  static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** The median; null for no values (every seed excluded). */
  static Double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return null;
    }
    double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Headline PGR of a loss: the mean over pairs of each pair's median PGR; null if none has one. */
  static Double headline(List<Pair> pairs, String loss) {
    double[] v = pairs.stream().map(p -> p.pgr().get(loss)).filter(Objects::nonNull).mapToDouble(Double::doubleValue)
        .toArray();
    return v.length == 0 ? null : Arrays.stream(v).average().orElseThrow();
  }
}
