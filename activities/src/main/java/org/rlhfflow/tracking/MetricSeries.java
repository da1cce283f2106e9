package org.rlhfflow.tracking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Metric histories arranged for plotting: group ({@code sft}, {@code ppo}) -> metric key -> run
 * label -> step -> value. A step logged twice (a retried activity) keeps its last value.
 */
final class MetricSeries {

  static final String NO_GROUP = "other";

  final TreeMap<String, TreeMap<String, Map<String, NavigableMap<Long, Double>>>> groups =
      new TreeMap<>();
  /** Points left out because they are NaN or infinite (a plot cannot show them). */
  int nonFinite;

  static MetricSeries of(List<LocalRuns.Run> runs) {
    MetricSeries s = new MetricSeries();
    Map<String, Integer> nameCounts = new LinkedHashMap<>();
    runs.forEach(r -> nameCounts.merge(r.meta().name(), 1, Integer::sum));
    for (LocalRuns.Run run : runs) {
      String label = label(run.meta(), nameCounts.get(run.meta().name()) > 1);
      for (MetricPoint p : run.metrics()) {
        if (!Double.isFinite(p.value())) {
          s.nonFinite++;
          continue;
        }
        s.groups.computeIfAbsent(group(p.key()), g -> new TreeMap<>())
            .computeIfAbsent(p.key(), k -> new LinkedHashMap<>())
            .computeIfAbsent(label, l -> new TreeMap<>())
            .put(p.step(), p.value());
      }
    }
    return s;
  }

  /** {@code ppo/objective/kl} -> {@code ppo}; keys without a slash go to {@value #NO_GROUP}. */
  static String group(String key) {
    int slash = key.indexOf('/');
    return slash > 0 ? key.substring(0, slash) : NO_GROUP;
  }

  /** Run names repeat across pipelines (every pipeline has an "sft"): add the id when they do. */
  private static String label(RunMeta meta, boolean ambiguous) {
    return ambiguous ? meta.name() + " (" + meta.runId().substring(0, 6) + ")" : meta.name();
  }

  /** One metric's series per run, or an empty map. */
  Map<String, NavigableMap<Long, Double>> metric(String key) {
    TreeMap<String, Map<String, NavigableMap<Long, Double>>> g = groups.get(group(key));
    return g == null ? Map.of() : g.getOrDefault(key, Map.of());
  }
}
