package org.rlhfflow.activities.rm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rlhfflow.store.Json;

/**
 * The reward model's reliability diagram (DeGroot and Fienberg 1983; Guo et al. 2017): observed
 * preference rate against the predicted probability sigmoid(r_c - r_r), per bin, with the
 * diagonal of perfect calibration. Also written as JSON beside the figures it draws.
 */
final class ReliabilityPlot {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // workers have no display
    }
  }

  private ReliabilityPlot() {}

  /** One PNG with a line per split (e.g. held-out and test), bins with no rows left out. */
  static Path render(List<String> splits, List<PreferenceMetrics> metrics, Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(560).height(480).title("Reward model calibration")
        .xAxisTitle("predicted P(first preferred) = sigmoid(r1 - r2)").yAxisTitle("observed rate").build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(1.0);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
    for (int s = 0; s < splits.size(); s++) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (PreferenceMetrics.Bin b : metrics.get(s).bins()) {
        if (b.count() > 0) {
          x.add(b.confidence());
          y.add(b.observed());
        }
      }
      String name = String.format("%s (ECE %.3f, %d pairs)", splits.get(s), metrics.get(s).ece(), metrics.get(s).pairs());
      chart.addSeries(name, x, y);
    }
    Files.createDirectories(png.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapFormat.PNG);
    return png;
  }

  /** {@code {"held-out": {"accuracy": ..., "bins": [{"lower", "upper", "confidence", "observed", "count"}]}}}. */
  static Path writeJson(List<String> splits, List<PreferenceMetrics> metrics, Path file) throws IOException {
    ObjectNode root = Json.MAPPER.createObjectNode();
    for (int s = 0; s < splits.size(); s++) {
      PreferenceMetrics m = metrics.get(s);
      ObjectNode n = root.putObject(splits.get(s));
      n.put("pairs", m.pairs());
      n.put("accuracy", m.accuracy());
      n.put("auc", m.auc());
      n.put("ece", m.ece());
      n.put("precision", m.precision());
      n.put("recall", m.recall());
      n.put("f1", m.f1());
      ArrayNode bins = n.putArray("bins");
      for (PreferenceMetrics.Bin b : m.bins()) {
        ObjectNode o = bins.addObject().put("lower", b.lower()).put("upper", b.upper()).put("count", b.count());
        if (b.count() > 0) {
          o.put("confidence", b.confidence()).put("observed", b.observed());
        }
      }
    }
    Files.write(file, Json.MAPPER.writeValueAsBytes(root));
    return file;
  }
}
