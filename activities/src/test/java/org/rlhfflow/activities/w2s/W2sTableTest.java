package org.rlhfflow.activities.w2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.w2s.W2sActivities.Plan;
import org.rlhfflow.activities.w2s.W2sActivities.TrainResult;
import org.rlhfflow.activities.w2s.W2sTable.Pair;

/** PGR as Burns et al. compute it: median over seeds, seeds whose ceiling does not beat the weak model excluded. */
class W2sTableTest {
  private static TrainResult run(String role, String model, long seed, String loss, String sup, double acc) {
    return new TrainResult(role, model, seed, loss, null, null, acc, false, 0, Map.of(), sup);
  }

  @Test
  void pgrIsTheMedianOverSeedsWithExcludedSeedsCounted() {
    Plan plan = new Plan("t", "{}", "s", List.of(0L, 1L, 2L), List.of("nano"), List.of("tiny"), List.of("xent", "logconf"),
        List.of(), "q", Map.of("nano", 1L, "tiny", 2L), List.of(), 5.0);
    double[] weak = {0.6, 0.6, 0.7};
    double[] ceiling = {0.8, 0.9, 0.7}; // seed 2: the ceiling does not beat the weak model
    double[] xent = {0.7, 0.8, 0.65};
    double[] logconf = {0.8, 0.9, 0.6};
    List<TrainResult> runs = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      runs.add(run("weak", "nano", s, "xent", null, weak[s]));
      runs.add(run("ceiling", "tiny", s, "xent", null, ceiling[s]));
      runs.add(run("student", "tiny", s, "xent", "nano", xent[s]));
      runs.add(run("student", "tiny", s, "logconf", "nano", logconf[s]));
    }
    Pair p = new W2sTable(plan, runs).pairs().get(0);
    assertEquals((0.5 + 0.2 / 0.3) / 2, p.pgr().get("xent"), 1e-12); // seeds 0 and 1: 0.5 and 0.667
    assertEquals(1.0, p.pgr().get("logconf"), 1e-12); // 1.0 and 1.0
    assertEquals(1, p.excluded().get("xent"));
    assertEquals((0.6 + 0.6 + 0.7) / 3, p.weakAccuracy(), 1e-12);
    assertEquals((0.7 + 0.8 + 0.65) / 3, p.studentAccuracy().get("xent"), 1e-12);
    assertEquals(p.pgr().get("xent"), W2sTable.headline(List.of(p), "xent"));
    String md = W2sReporter.markdown(List.of(p), plan.losses(), null);
    assertTrue(md.contains("| nano (1) | tiny (2) | 0.633 | 0.800 |"), md);
    assertTrue(md.contains("(1 seeds excl.)"), md);
  }

  @Test
  void aPairWithEverySeedExcludedHasNoPgr() {
    assertNull(W2sTable.pgr(0.7, 0.9, 0.7));
    assertNull(W2sTable.median(List.of()));
    assertEquals(2.0, W2sTable.median(List.of(3.0, 1.0, 2.0)));
  }
}
