package org.rlhfflow.activities.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.Styler.YAxisPosition;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.store.Json;

/**
 * The reward-over-optimisation plot: the reward model's score and the oracle's score of PPO's
 * rollouts per iteration. The proxy rising while the oracle stalls or falls is reward
 * over-optimisation (Gao et al. 2023), which is why both are drawn on one chart.
 *
 * <pre>{@code
 * CurvePlot.render(CurvePlot.read(curveJson, "ppo curve"), Path.of("curve.png"));
 * }</pre>
 */
final class CurvePlot {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // workers have no display
    }
  }

  private static final int WIDTH = 720;
  private static final int HEIGHT = 420;
  /** Markers show the points of short runs; on long curves they only blur the lines. */
  private static final int MARKER_LIMIT = 40;

  /** The PPO stage's {@code curve} artifact; {@code oracleScore} is null when it has none. */
  record Curve(double[] iteration, double[] rmScore, double[] oracleScore) {}

  private CurvePlot() {}

  /** Parses {@code {"iteration": [...], "rm_score": [...], "oracle_score": [...], "kl": [...]}}. */
  static Curve read(Path file, String name) throws IOException {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ValidationException(name + ": not JSON: " + e.getOriginalMessage());
    }
    double[] iteration = numbers(root, "iteration", name, -1);
    if (iteration.length == 0) {
      throw new ValidationException(name + ": field 'iteration' is empty: PPO logged no iterations");
    }
    double[] rm = numbers(root, "rm_score", name, iteration.length);
    boolean hasOracle = root.has("oracle_score") && root.get("oracle_score").size() > 0;
    double[] oracle = hasOracle ? numbers(root, "oracle_score", name, iteration.length) : null;
    return new Curve(iteration, rm, oracle);
  }

  private static double[] numbers(JsonNode root, String field, String name, int expectedLength) {
    JsonNode array = root.get(field);
    if (array == null || !array.isArray()) {
      throw new ValidationException(name + ": field '" + field + "' must be an array of numbers");
    }
    if (expectedLength >= 0 && array.size() != expectedLength) {
      throw new ValidationException(name + ": field '" + field + "' has " + array.size()
          + " values but 'iteration' has " + expectedLength);
    }
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = array.get(i);
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        throw new ValidationException(name + ": field '" + field + "'[" + i + "] is " + v + ", not a finite number");
      }
      out[i] = v.asDouble();
    }
    return out;
  }

  /** Draws the RM score on the left axis and the oracle score, in [0, 1], on the right one. */
  static Path render(Curve curve, Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Reward over PPO iterations").xAxisTitle("PPO iteration").build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    chart.getStyler().setMarkerSize(curve.iteration().length > MARKER_LIMIT ? 0 : 6);
    chart.addSeries("RM score (proxy)", curve.iteration(), curve.rmScore());
    chart.setYAxisGroupTitle(0, "RM score");
    if (curve.oracleScore() != null) {
      chart.addSeries("oracle score", curve.iteration(), curve.oracleScore()).setYAxisGroup(1);
      chart.setYAxisGroupTitle(1, "oracle score");
      chart.getStyler().setYAxisGroupPosition(1, YAxisPosition.Right);
      chart.getStyler().setYAxisMin(1, 0.0);
      chart.getStyler().setYAxisMax(1, 1.0);
    }
    Files.createDirectories(png.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapFormat.PNG); // keeps the name's .png
    return png;
  }
}
