package org.rlhfflow.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.rl.PpoLoss;

/**
 * Regression test for DJL's freed-scalar bug (see {@link org.rlhfflow.model.nn.Ops}) in the losses:
 * a constant passed as a Java number to an op on a graph array is freed before backward reads it,
 * so the same inputs give different, sometimes non-finite, gradients from run to run. Each loss
 * runs backward {@value #RUNS} times on the same inputs while small direct buffers are churned to
 * reuse freed memory; every gradient must be finite and bit-identical to the first run's.
 */
class LossGradientStabilityTest {
  private static final int RUNS = 300;
  private static final long SEED = 20231;

  @Test
  void ppoLoss() {
    Shape s = new Shape(2, 8);
    float[] oldLogp = normal(1, 16, -1.5, 0.5);
    float[] newLogp = add(oldLogp, normal(2, 16, 0, 0.4)); // ratios well outside 1 ± 0.2
    float[] oldValues = normal(3, 16, 0, 1);
    float[] values = add(oldValues, normal(4, 16, 0, 0.4)); // some beyond the value clip
    float[] advantages = normal(5, 16, 0, 1);
    float[] returns = normal(6, 16, 0, 1);
    float[] mask = {0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0};
    PpoLoss ppo = new PpoLoss(0.2, 0.2, 0.1);
    try (NDManager m = NDManager.newBaseManager()) { // the inputs must exercise both clips
      PpoLoss.Result r = ppo.compute(m.create(newLogp, s), m.create(oldLogp, s),
          m.create(advantages, s), m.create(values, s), m.create(oldValues, s),
          m.create(returns, s), m.create(mask, s));
      assertTrue(r.clipfrac() > 0 && r.vfClipfrac() > 0, "clipfrac " + r.clipfrac()
          + ", vf clipfrac " + r.vfClipfrac());
    }
    assertStableGradients("PpoLoss", in -> ppo.compute(
        in.param(newLogp, s), in.data(oldLogp, s), in.data(advantages, s), in.param(values, s),
        in.data(oldValues, s), in.data(returns, s), in.data(mask, s)).loss());
  }

  @Test
  void bradleyTerryLossWithMarginAndCentering() {
    Shape s = new Shape(8);
    float[] chosen = normal(7, 8, 0.5, 1);
    float[] rejected = normal(8, 8, 0, 1);
    float[] margin = normal(9, 8, 0.3, 0.2);
    BradleyTerryLoss bt = new BradleyTerryLoss(0.01);
    assertStableGradients("BradleyTerryLoss", in -> bt.compute(
        in.param(chosen, s), in.param(rejected, s), in.data(margin, s)).loss());
  }

  @Test
  void dpoLossWithLabelSmoothing() {
    Shape s = new Shape(8);
    float[] pc = normal(10, 8, -20, 3);
    float[] pr = normal(11, 8, -22, 3);
    float[] rc = normal(12, 8, -20, 3);
    float[] rr = normal(13, 8, -22, 3);
    DpoLoss dpo = new DpoLoss(0.1, 0.1);
    assertStableGradients("DpoLoss", in -> dpo.compute(
        in.param(pc, s), in.param(pr, s), in.data(rc, s), in.data(rr, s)).loss());
  }

  @Test
  void sftLoss() {
    Shape ls = new Shape(2, 6, 11);
    Shape ts = new Shape(2, 6);
    float[] logits = normal(14, 2 * 6 * 11, 0, 2);
    int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
    float[] mask = {0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
    assertStableGradients("SftLoss", in -> SftLoss.compute(
        in.param(logits, ls), in.m().create(tokens, ts), in.data(mask, ts)));
  }

  @Test
  void auxConfidenceLoss() {
    float[] logits = normal(15, 16, 0, 1);
    float[] weak = {0.9f, 0.1f, 0.7f, 0.2f, 1f, 0f, 0.6f, 0.4f};
    AuxConfidenceLoss aux = new AuxConfidenceLoss(0.75, 0.2);
    assertStableGradients("AuxConfidenceLoss", in -> aux.compute(
        in.param(logits, new Shape(8, 2)), in.data(weak, new Shape(8)), 0.1).loss());
  }

  /** Arrays of one run, all on that run's manager; {@code params} are the ones that get gradients. */
  private record Inputs(NDManager m, List<NDArray> params) {
    NDArray param(float[] v, Shape s) {
      NDArray a = m.create(v, s);
      a.setRequiresGradient(true);
      params.add(a);
      return a;
    }

    NDArray data(float[] v, Shape s) {
      return m.create(v, s);
    }
  }

  private static void assertStableGradients(String name, Function<Inputs, NDArray> loss) {
    float[][] first = null;
    for (int run = 0; run < RUNS; run++) {
      try (NDManager m = NDManager.newBaseManager()) {
        Inputs in = new Inputs(m, new ArrayList<>());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray l = loss.apply(in);
          churn(m, run);
          gc.backward(l);
        }
        float[][] grads = new float[in.params().size()][];
        for (int p = 0; p < grads.length; p++) {
          grads[p] = in.params().get(p).getGradient().toFloatArray();
          assertFinite(grads[p], name + " param " + p + " run " + run);
        }
        if (first == null) {
          first = grads;
          assertTrue(anyNonZero(first), name + ": the first run's gradient is all zeros");
        } else {
          for (int p = 0; p < grads.length; p++) {
            assertArrayEquals(first[p], grads[p], name + " param " + p + " run " + run);
          }
        }
      }
    }
  }

  /** Allocates and frees small direct buffers so freed constant memory gets overwritten. */
  private static void churn(NDManager m, int run) {
    for (int j = 0; j < 20; j++) {
      m.create(777f).close();
    }
    if (run % 30 == 0) {
      System.gc();
    }
  }

  private static void assertFinite(float[] g, String where) {
    for (int i = 0; i < g.length; i++) {
      assertTrue(Float.isFinite(g[i]), where + ": gradient[" + i + "] = " + g[i]);
    }
  }

  private static boolean anyNonZero(float[][] grads) {
    for (float[] g : grads) {
      for (float v : g) {
        if (v != 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static float[] normal(int stream, int n, double mean, double std) {
    SplittableRandom rng = new SplittableRandom(SEED + stream); // one stream per input array
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      // Box–Muller; 1 - u keeps the log argument in (0, 1].
      double u = 1 - rng.nextDouble();
      double z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
      out[i] = (float) (mean + std * z);
    }
    return out;
  }

  private static float[] add(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }
}
