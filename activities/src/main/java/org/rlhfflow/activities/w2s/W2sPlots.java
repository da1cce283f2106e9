package org.rlhfflow.activities.w2s;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rlhfflow.activities.w2s.W2sTable.Pair;

/** The paper's two plots (Burns et al. 2023, figure 3 style): accuracy by strong size, PGR by loss. */
final class W2sPlots {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // workers have no display
    }
  }

  private W2sPlots() {}

  /** Test accuracy against the strong model's parameter count: one line per weak supervisor and loss. */
  static Path accuracyBySize(List<Pair> pairs, List<String> weak, List<String> losses, Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(760).height(460).title("Weak-to-strong: test accuracy by strong model size")
        .xAxisTitle("strong model parameters").yAxisTitle("test accuracy").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
    List<Pair> ceilings = pairs.stream().filter(p -> p.weak().equals(weak.get(0))).toList();
    XYSeries ceiling = chart.addSeries("strong ceiling (ground truth)", sizes(ceilings),
        ceilings.stream().mapToDouble(Pair::ceilingAccuracy).toArray());
    ceiling.setMarker(SeriesMarkers.SQUARE);
    for (String w : weak) {
      List<Pair> rows = pairs.stream().filter(p -> p.weak().equals(w)).toList();
      for (String loss : losses) {
        chart.addSeries("weak " + W2sModels.label(w) + " -> student (" + loss + ")", sizes(rows),
            rows.stream().mapToDouble(p -> p.studentAccuracy().get(loss)).toArray());
      }
      chart.addSeries("weak " + W2sModels.label(w) + " alone", sizes(rows),
          rows.stream().mapToDouble(Pair::weakAccuracy).toArray()).setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapFormat.PNG);
    return png;
  }

  /** PGR per (weak, strong) pair, one bar per loss; an excluded pair is drawn at 0 and says so. */
  static Path pgrByLoss(List<Pair> pairs, List<String> losses, Path png) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(760).height(460).title("Performance gap recovered by loss")
        .xAxisTitle("weak -> strong").yAxisTitle("PGR (median over seeds)").build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    List<String> names = new ArrayList<>();
    for (Pair p : pairs) {
      boolean none = losses.stream().allMatch(l -> p.pgr().get(l) == null);
      names.add(W2sModels.label(p.weak()) + " -> " + W2sModels.label(p.strong()) + (none ? " (excluded)" : ""));
    }
    for (String loss : losses) {
      List<Double> values = pairs.stream().map(p -> p.pgr().get(loss) == null ? 0.0 : p.pgr().get(loss)).toList();
      chart.addSeries(loss, names, values);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapFormat.PNG);
    return png;
  }

  private static double[] sizes(List<Pair> rows) {
    return rows.stream().mapToDouble(p -> (double) p.strongParams()).toArray();
  }
}
