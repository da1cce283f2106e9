package org.rlhfflow.tracking;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * Harmlessness against helpfulness, one point per model, in the manner of Bai et al. 2022, fig. 2
 * (there: Elo scores; here: the oracle's harmless rate and mean helpfulness on held-out prompts).
 * Up and to the right is better; a model that only refuses sits top left.
 *
 * <pre>{@code
 * TradeoffPlot.save(Map.of("helpful_only", new double[] {0.45, 0.80}, "sl_cai", ...), png);
 * }</pre>
 */
public final class TradeoffPlot {
  public static final String PNG = "cai_tradeoff.png";

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // workers have no display
    }
  }

  private TradeoffPlot() {}

  /** @param points model name to {helpfulness, harmless rate}, in legend order */
  public static Path save(Map<String, double[]> points, Path file) throws IOException {
    XYChart chart = new XYChartBuilder().width(560).height(420)
        .title("Harmlessness vs helpfulness (oracle, held-out prompts)")
        .xAxisTitle("helpfulness (mean)").yAxisTitle("harmless rate").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(12);
    chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    points.forEach((name, xy) -> chart.addSeries(name, new double[] {xy[0]}, new double[] {xy[1]}));
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
    return file;
  }

  /**
   * The points a run's metrics hold: every {@code eval/harmless_<m>} with its {@code
   * eval/helpfulness_<m>}, for the first run that logged both; sft is named helpful_only and
   * sl_cai_sft sl_cai, as in summary.json, and ppo rl_cai when SL-CAI was evaluated beside it (only
   * an RL-CAI pipeline evaluates both).
   */
  static Map<String, double[]> fromEval(MetricSeries s) {
    Map<String, double[]> out = new LinkedHashMap<>();
    var eval = s.groups.getOrDefault("eval", new java.util.TreeMap<>());
    for (var metric : eval.entrySet()) {
      if (!metric.getKey().startsWith("eval/harmless_")) {
        continue;
      }
      String name = metric.getKey().substring("eval/harmless_".length());
      var helpful = eval.get("eval/helpfulness_" + name);
      if (helpful == null) {
        continue;
      }
      for (var run : metric.getValue().entrySet()) {
        NavigableMap<Long, Double> h = helpful.get(run.getKey());
        if (h != null) {
          out.putIfAbsent(name.equals("sft") ? "helpful_only" : name.equals("sl_cai_sft") ? "sl_cai" : name,
              new double[] {h.lastEntry().getValue(), run.getValue().lastEntry().getValue()});
        }
      }
    }
    if (out.containsKey("sl_cai") && out.containsKey("ppo")) {
      Map<String, double[]> renamed = new LinkedHashMap<>();
      out.forEach((name, xy) -> renamed.put(name.equals("ppo") ? "rl_cai" : name, xy));
      return renamed;
    }
    return out;
  }
}
