package org.rlhfflow.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportRendererTest {

  @TempDir Path tmp;

  /** A small pipeline's worth of metrics, shaped like a real run (falling loss, KL creeping up). */
  static Path samplePipeline(Path dir) {
    AtomicLong clock = new AtomicLong();
    try (LocalTracker t = new LocalTracker(dir, clock::incrementAndGet)) {
      String p = t.startRun("rlhf", "pipeline", null, Map.of());
      String sft = t.startRun("rlhf", "sft", p, Map.of());
      for (int s = 0; s <= 200; s += 10) {
        t.logMetric(sft, "sft/loss", 4.0 / (1 + s / 50.0), s);
      }
      t.logMetric(sft, "sft/loss", 0.7, 200); // a retried last step: the later value wins
      t.logMetric(sft, "sft/eval_loss", Double.NaN, 200);
      String rm = t.startRun("rlhf", "rm", p, Map.of());
      for (int s = 0; s <= 50; s += 5) {
        t.logMetric(rm, "rm/accuracy", 0.5 + 0.4 * s / 50.0, s);
        t.logMetric(rm, "rm/loss", 0.69 - 0.3 * s / 50.0, s);
      }
      String ppo = t.startRun("rlhf", "ppo", p, Map.of());
      for (int s = 0; s < 100; s++) {
        double kl = 0.002 * s;
        t.logMetric(ppo, "ppo/objective/kl", kl, s);
        t.logMetric(ppo, "ppo/rm_score", Math.sqrt(kl) * 4, s);
        t.logMetric(ppo, "ppo/oracle_score", Math.sqrt(kl) * 4 - 6 * kl, s); // Gao et al. 2022's shape
      }
      String eval = t.startRun("rlhf", "evaluate", p, Map.of());
      t.logMetric(eval, "eval/oracle_score_sft", 0.54, 0);
      t.logMetric(eval, "eval/oracle_score_ppo", 0.89, 0);
      t.logMetric(eval, "eval/rm_score_sft", 0.73, 0);
      t.logMetric(eval, "eval/rm_score_ppo", 3.0, 0);
      t.logMetric(eval, "eval/ppo_vs_sft_win_rate", 0.96, 0);
    }
    return dir;
  }

  @Test
  void leadsWithOveroptimisationAndSftVsPpoThenOnePngPerGroupWithHistories() throws Exception {
    ReportRenderer.Report r = ReportRenderer.render(samplePipeline(tmp.resolve("metrics")), tmp.resolve("out"));

    List<String> names = r.charts().stream().map(c -> c.getFileName().toString()).toList();
    // eval logs scalars only: they are in the SFT-vs-PPO chart and the table, not in an eval.png of dots
    assertEquals(List.of(ReportRenderer.OVEROPTIMISATION_PNG, ReportRenderer.SFT_VS_PPO_PNG, "ppo.png", "rm.png", "sft.png"),
        names);
    for (Path png : r.charts()) {
      assertTrue(Files.size(png) > 0, png.toString());
      BufferedImage img = ImageIO.read(png.toFile());
      assertNotNull(img, png + " decodes as an image");
      assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
    }
    // ppo has three metrics side by side, sft one: the ppo image is three panels wide.
    BufferedImage ppo = ImageIO.read(tmp.resolve("out/ppo.png").toFile());
    BufferedImage sft = ImageIO.read(tmp.resolve("out/sft.png").toFile());
    assertEquals(3 * sft.getWidth(), ppo.getWidth());
    assertEquals(sft.getHeight(), ppo.getHeight());
  }

  @Test
  void aGroupThatDoesNotFillItsGridStillRenders() throws Exception {
    // Five metrics make a 2 x 3 grid with one empty cell: XChart's own grid threw here.
    Path dir = tmp.resolve("five");
    try (LocalTracker t = new LocalTracker(dir)) {
      String run = t.startRun("rlhf", "ppo", null, Map.of());
      for (String k : List.of("a", "b", "c", "d", "e")) {
        t.logMetric(run, "ppo/" + k, 1.0, 0);
        t.logMetric(run, "ppo/" + k, 2.0, 1);
      }
    }
    ReportRenderer.render(dir, tmp.resolve("five-out"));
    BufferedImage ppo = ImageIO.read(tmp.resolve("five-out/ppo.png").toFile());
    assertNotNull(ppo);
    assertEquals(3 * 520, ppo.getWidth()); // three 520 x 340 panels across, two rows down
    assertEquals(2 * 340, ppo.getHeight());
  }

  @Test
  void summaryKeepsTheLastValuePerStepAndCountsNonFinitePoints() throws Exception {
    ReportRenderer.Report r = ReportRenderer.render(samplePipeline(tmp.resolve("metrics")), tmp.resolve("out"));
    ReportRenderer.Row loss = r.rows().stream().filter(x -> x.metric().equals("sft/loss")).findFirst().orElseThrow();
    assertEquals("sft", loss.run());
    assertEquals(21, loss.points()); // steps 0, 10, ..., 200
    assertEquals(200, loss.lastStep());
    assertEquals(0.7, loss.last());
    assertEquals(4.0, loss.max());
    assertEquals(1, r.nonFinite());
    assertFalse(r.rows().stream().anyMatch(x -> x.metric().equals("sft/eval_loss")));
  }

  @Test
  void summaryPageListsEveryMetricAndChart() throws Exception {
    ReportRenderer.Report r = ReportRenderer.render(samplePipeline(tmp.resolve("metrics")), tmp.resolve("out"));
    String page = Files.readString(r.summary());
    for (String key : List.of("sft/loss", "rm/accuracy", "rm/loss", "ppo/objective/kl", "ppo/rm_score")) {
      assertTrue(page.contains("| " + key + " "), key);
    }
    assertTrue(page.contains("](" + ReportRenderer.OVEROPTIMISATION_PNG + ")"), page);
    assertTrue(page.contains("1 NaN or infinite points"), page);
    assertTrue(page.indexOf(ReportRenderer.OVEROPTIMISATION_PNG) < page.indexOf(ReportRenderer.SFT_VS_PPO_PNG)
        && page.indexOf(ReportRenderer.SFT_VS_PPO_PNG) < page.indexOf("## Scalars")
        && page.indexOf("## Scalars") < page.indexOf("## Histories")
        && page.indexOf("## Histories") < page.indexOf("](ppo.png)"), page);
    assertTrue(page.contains("| eval/ppo_vs_sft_win_rate     | evaluate     |         0.96 |"), page);
  }

  @Test
  void theOveroptimisationChartIsAgainstTheSquareRootOfTheKl() throws Exception {
    MetricSeries s = MetricSeries.of(LocalRuns.read(samplePipeline(tmp.resolve("metrics"))));
    var chart = ReportCharts.overoptimisation(s).orElseThrow();
    var gold = chart.getSeriesMap().get("oracle_score (gold)");
    assertEquals(100, gold.getXData().length);
    assertEquals(Math.sqrt(0.002 * 37), gold.getXData()[37], 1e-12);
    assertEquals(Math.sqrt(0.002 * 37) * 4 - 6 * 0.002 * 37, gold.getYData()[37], 1e-12);
    assertTrue(chart.getTitle().endsWith("as KL grows"), chart.getTitle());
  }

  @Test
  void sftVsPpoPairsTheEvalMetricsOfBothPolicies() throws Exception {
    MetricSeries s = MetricSeries.of(LocalRuns.read(samplePipeline(tmp.resolve("metrics"))));
    var chart = ReportCharts.sftVsPpo(s).orElseThrow();
    assertEquals(List.of("oracle_score", "rm_score"), chart.getSeriesMap().get("SFT").getXData());
    assertEquals(List.of(0.54, 0.73), chart.getSeriesMap().get("SFT").getYData());
    assertEquals(List.of(0.89, 3.0), chart.getSeriesMap().get("PPO").getYData());
  }

  @Test
  void stepLabelsUseRoundSteps() {
    assertEquals(20, ReportRenderer.roundStep(100 / 6.0)); // 16.7 -> 20
    assertEquals(5, ReportRenderer.roundStep(30 / 6.0));
    assertEquals(200, ReportRenderer.roundStep(1000 / 6.0)); // 166.7 -> 200
    assertEquals(1, ReportRenderer.roundStep(0.3)); // steps are integers
    assertEquals(10, ReportRenderer.roundStep(6));
  }

  @Test
  void noOveroptimisationChartWithoutBothScores() throws Exception {
    Path dir = tmp.resolve("metrics");
    try (LocalTracker t = new LocalTracker(dir)) {
      String ppo = t.startRun("rlhf", "ppo", null, Map.of());
      t.logMetric(ppo, "ppo/rm_score", 1.0, 0);
      t.logMetric(ppo, "loss", 1.0, 0);
    }
    ReportRenderer.Report r = ReportRenderer.render(dir, tmp.resolve("out"));
    assertEquals(List.of(), r.charts(), "one point each: table rows, no charts of single dots");
    assertTrue(Files.readString(r.summary()).contains("| ppo/rm_score "), "scalars are in the table");
  }
}
