package org.rlhfflow.tracking;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The two charts a report leads with: reward over-optimisation against the KL budget, and SFT
 * against PPO at evaluation.
 */
final class ReportCharts {
  static final String KL = "ppo/objective/kl";
  private static final String EVAL = "eval/";
  private static final int MARKER_LIMIT = 40;

  private ReportCharts() {}

  /**
   * The proxy reward the policy is trained on and the oracle ("gold") reward, against the square
   * root of the policy's KL to the reference, the axis of Gao et al. 2022 ("Scaling Laws for Reward
   * Model Overoptimization", fig. 1, d = sqrt(KL)): the gap that opens as the KL grows is reward
   * over-optimisation. Points run in PPO step order. Without a logged KL, the x axis is the step.
   */
  static Optional<XYChart> overoptimisation(MetricSeries s) {
    Map<String, NavigableMap<Long, Double>> rm = s.metric(ReportRenderer.RM_SCORE);
    Map<String, NavigableMap<Long, Double>> oracle = s.metric(ReportRenderer.ORACLE_SCORE);
    Map<String, NavigableMap<Long, Double>> kl = s.metric(KL);
    boolean byKl = !kl.isEmpty();
    XYChart chart = ReportRenderer.chart(
        byKl ? "Over-optimisation: proxy RM vs oracle as KL grows" : "Reward over-optimisation: proxy RM vs oracle",
        byKl ? "sqrt(KL to reference), nats^0.5 (Gao et al. 2022)" : "PPO step", "score");
    for (var run : rm.entrySet()) {
      NavigableMap<Long, Double> gold = oracle.get(run.getKey());
      NavigableMap<Long, Double> runKl = kl.get(run.getKey());
      if (gold == null || (byKl && runKl == null)) {
        continue;
      }
      String prefix = rm.size() > 1 ? run.getKey() + " " : "";
      add(chart, prefix + "rm_score (proxy)", run.getValue(), runKl);
      add(chart, prefix + "oracle_score (gold)", gold, runKl);
    }
    if (byKl) {
      // KL wanders from step to step: a line through the points in step order would zigzag
      chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
      chart.getStyler().setMarkerSize(5);
    }
    return chart.getSeriesMap().isEmpty() ? Optional.empty() : Optional.of(chart);
  }

  /** y at each step that also has a KL (x = sqrt(max(0, KL))), or at every step when kl is null. */
  private static void add(XYChart chart, String name, NavigableMap<Long, Double> y, NavigableMap<Long, Double> kl) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    y.forEach((step, v) -> {
      Double k = kl == null ? Double.valueOf(step) : kl.get(step);
      if (k != null) {
        xs.add(kl == null ? k : Math.sqrt(Math.max(0, k)));
        ys.add(v);
      }
    });
    if (!xs.isEmpty()) {
      var series = chart.addSeries(name, xs, ys);
      series.setMarker(kl != null || xs.size() <= MARKER_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
  }

  /**
   * One grouped bar chart of every evaluation metric logged for both policies ({@code
   * eval/<name>_sft} and {@code eval/<name>_ppo}), e.g. the oracle's and the reward model's scores.
   */
  static Optional<CategoryChart> sftVsPpo(MetricSeries s) {
    Map<String, double[]> pairs = new TreeMap<>(); // name -> {sft, ppo}, for the first run that has both
    Map<String, String> runOf = new LinkedHashMap<>();
    var eval = s.groups.getOrDefault(EVAL.substring(0, EVAL.length() - 1), new TreeMap<>());
    for (var metric : eval.entrySet()) {
      String key = metric.getKey();
      if (!key.endsWith("_sft")) {
        continue;
      }
      String name = key.substring(EVAL.length(), key.length() - "_sft".length());
      var ppo = eval.get(EVAL + name + "_ppo");
      if (ppo == null) {
        continue;
      }
      for (var run : metric.getValue().entrySet()) {
        NavigableMap<Long, Double> p = ppo.get(run.getKey());
        if (p != null && !pairs.containsKey(name)) {
          pairs.put(name, new double[] {run.getValue().lastEntry().getValue(), p.lastEntry().getValue()});
          runOf.put(name, run.getKey());
        }
      }
    }
    if (pairs.isEmpty()) {
      return Optional.empty();
    }
    CategoryChart chart = new CategoryChartBuilder().width(ReportRenderer.PANEL_WIDTH).height(ReportRenderer.PANEL_HEIGHT)
        .title("SFT vs PPO on held-out prompts").xAxisTitle("evaluation metric").yAxisTitle("value").build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLabelsVisible(true); // the values themselves, not only bar heights
    chart.getStyler().setDecimalPattern("0.###");
    List<String> names = new ArrayList<>(pairs.keySet());
    chart.addSeries("SFT", names, names.stream().map(n -> pairs.get(n)[0]).toList());
    chart.addSeries("PPO", names, names.stream().map(n -> pairs.get(n)[1]).toList());
    return Optional.of(chart);
  }

  /** Scalars (one point per run) read best as a table and series as curves; a chart of one dot says nothing. */
  static boolean isSeries(Map<String, NavigableMap<Long, Double>> runs) {
    return runs.values().stream().anyMatch(points -> points.size() > 1);
  }
}
