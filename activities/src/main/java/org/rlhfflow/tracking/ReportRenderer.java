package org.rlhfflow.tracking;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders a {@link LocalTracker} directory as a report: first proxy vs oracle reward as the KL
 * grows and SFT vs PPO at evaluation ({@link ReportCharts}), then one PNG per metric group ({@code
 * sft}, {@code rm}, {@code ppo}...) with one line panel per metric that has a history. Scalars (one
 * point) go to the summary's table only.
 *
 * <pre>{@code
 * ReportRenderer.Report r = ReportRenderer.render(Path.of(".rlhf/metrics"), Path.of("report"));
 * }</pre>
 */
public final class ReportRenderer {

  static {
    // Charts are drawn off-screen on servers without a display.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  public static final String RM_SCORE = "ppo/rm_score";
  public static final String ORACLE_SCORE = "ppo/oracle_score";
  public static final String OVEROPTIMISATION_PNG = "reward_overoptimisation.png";
  public static final String SFT_VS_PPO_PNG = "sft_vs_ppo.png";

  static final int PANEL_WIDTH = 520;
  static final int PANEL_HEIGHT = 340;
  private static final int MAX_COLUMNS = 3;
  private static final int MARKER_LIMIT = 40;
  private static final int X_LABELS = 6;

  /** One line of the summary: a metric of a run and where it ended. */
  public record Row(
      String metric, String run, int points, long lastStep, double last, double min, double max) {}

  /**
   * @param charts the PNGs written: the over-optimisation and SFT-vs-PPO charts if any, then one per
   *     group that has a metric with a history
   * @param rows the summary, by metric then run
   * @param nonFinite NaN or infinite points left out of the plots
   * @param summary {@code summary.md}: the table and the charts on one page
   */
  public record Report(List<Path> charts, List<Row> rows, int nonFinite, Path summary) {}

  private ReportRenderer() {}

  public static Report render(Path trackerDir, Path outDir) throws IOException {
    MetricSeries series = MetricSeries.of(LocalRuns.read(trackerDir));
    Files.createDirectories(outDir);
    List<Path> charts = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    Optional<XYChart> gap = ReportCharts.overoptimisation(series);
    if (gap.isPresent()) {
      charts.add(save(gap.get(), outDir.resolve(OVEROPTIMISATION_PNG)));
    }
    Optional<CategoryChart> versus = ReportCharts.sftVsPpo(series);
    if (versus.isPresent()) {
      BitmapEncoder.saveBitmap(versus.get(), outDir.resolve(SFT_VS_PPO_PNG).toString(), BitmapFormat.PNG);
      charts.add(outDir.resolve(SFT_VS_PPO_PNG));
    }
    Map<String, double[]> tradeoff = TradeoffPlot.fromEval(series);
    if (tradeoff.size() > 1) { // a task scored on both axes (assistant): Bai et al. 2022, fig. 2
      charts.add(TradeoffPlot.save(tradeoff, outDir.resolve(TradeoffPlot.PNG)));
    }
    for (var group : series.groups.entrySet()) {
      List<XYChart> panels = new ArrayList<>();
      for (var metric : group.getValue().entrySet()) {
        if (ReportCharts.isSeries(metric.getValue())) {
          panels.add(panel(metric.getKey(), metric.getValue()));
        }
        metric.getValue().forEach((run, points) -> rows.add(row(metric.getKey(), run, points)));
      }
      if (!panels.isEmpty()) {
        charts.add(savePanels(panels, outDir.resolve(fileName(group.getKey()) + ".png")));
      }
    }
    Path summary = Files.writeString(
        outDir.resolve("summary.md"), ReportSummary.markdown(rows, charts, series.nonFinite));
    return new Report(charts, rows, series.nonFinite, summary);
  }

  private static XYChart panel(String key, Map<String, NavigableMap<Long, Double>> runs) {
    XYChart chart = chart(key, "step", key.substring(key.lastIndexOf('/') + 1));
    runs.forEach((run, points) -> addSeries(chart, run, points));
    chart.getStyler().setLegendVisible(runs.size() > 1);
    labelSteps(chart, runs.values());
    return chart;
  }

  static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
        .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    // Below the plot, so a legend never hides the end of a curve, where the story usually is.
    chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    return chart;
  }

  /**
   * XChart 3.8 packs x ticks as tightly as their labels allow, ignoring the spacing hint, so step
   * labels run together; label only multiples of a round step (1, 2 or 5 x 10^k) instead.
   */
  private static void labelSteps(XYChart chart, Iterable<NavigableMap<Long, Double>> series) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (NavigableMap<Long, Double> s : series) {
      lo = Math.min(lo, s.firstKey());
      hi = Math.max(hi, s.lastKey());
    }
    double step = roundStep(Math.max(1, hi - lo) / (double) X_LABELS);
    chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> {
      double k = v / step;
      // A blank, not "": XChart 3.8.8's AxisTickLabels can hand the label to TextLayout, which throws
      // on a zero-length string (seen on the human feedback demo's rm/accuracy panel, steps 1-80).
      return Math.abs(k - Math.rint(k)) < 1e-6 ? String.format("%.0f", v) : " ";
    });
  }

  /** The smallest 1, 2 or 5 x 10^k that is at least {@code raw}; at least 1, as steps are whole. */
  static double roundStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= raw) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static void addSeries(XYChart chart, String name, NavigableMap<Long, Double> points) {
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    int i = 0;
    for (var p : points.entrySet()) {
      x[i] = p.getKey();
      y[i++] = p.getValue();
    }
    // Markers show single points and sparse evals; on long curves they only blur the line.
    chart.addSeries(name, x, y).setMarker(points.size() > MARKER_LIMIT
        ? SeriesMarkers.NONE
        : SeriesMarkers.CIRCLE);
  }

  private static Row row(String key, String run, NavigableMap<Long, Double> points) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : points.values()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    var last = points.lastEntry();
    return new Row(key, run, points.size(), last.getKey(), last.getValue(), min, max);
  }

  /**
   * Lays the panels out in a grid of up to MAX_COLUMNS columns. Drawn here rather than with XChart's
   * own grid, which fails unless the panels fill every cell (XChart 3.8.8, BitmapEncoder.mergeImages).
   */
  private static Path savePanels(List<XYChart> panels, Path file) throws IOException {
    int cols = Math.min(MAX_COLUMNS, panels.size());
    int rows = (panels.size() + cols - 1) / cols;
    int w = panels.get(0).getWidth();
    int h = panels.get(0).getHeight();
    java.awt.image.BufferedImage grid =
        new java.awt.image.BufferedImage(cols * w, rows * h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = grid.createGraphics();
    try {
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
      for (int i = 0; i < panels.size(); i++) {
        g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), (i % cols) * w, (i / cols) * h, null);
      }
    } finally {
      g.dispose();
    }
    javax.imageio.ImageIO.write(grid, "png", file.toFile());
    return file;
  }

  private static Path save(XYChart chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
    return file;
  }

  /** Group names come from metric keys, which allow spaces and dots: keep file names plain. */
  static String fileName(String group) {
    return group.replaceAll("[^A-Za-z0-9_-]", "_");
  }
}
