package org.rlhfflow.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
  private static final double B1 = 0.9;
  private static final double B2 = 0.95;
  private static final double EPS = 1e-8;
  private static final double WD = 0.1;
  private static final LrSchedule LR = new LrSchedule(0.05, 2, 8, 0.1);

  @Test
  void matchesDoublePrecisionReference() {
    try (NDManager manager = NDManager.newBaseManager()) {
      TinyLinear net = new TinyLinear(manager, 7);
      AdamW opt = newOptimizer(net);
      String[] names = {"weight", "bias"};
      double[][] theta = {toDouble(net.value("weight")), toDouble(net.value("bias"))};
      double[][] m = {new double[6], new double[2]};
      double[][] v = {new double[6], new double[2]};
      for (int t = 1; t <= 6; t++) {
        net.backward();
        double lr = LR.at(t - 1);
        for (int k = 0; k < 2; k++) {
          boolean decay = names[k].equals("weight"); // biases are exempt
          referenceStep(theta[k], toDouble(net.grad(names[k])), m[k], v[k], t, lr, decay);
        }
        opt.step(lr);
        opt.zeroGrad();
        for (int k = 0; k < 2; k++) {
          assertArrayEquals(theta[k], toDouble(net.value(names[k])), 2e-6, names[k] + " at t=" + t);
        }
      }
      opt.close();
    }
  }

  @Test
  void restoreThenStepIsBitIdenticalToNeverStopping() {
    try (NDManager manager = NDManager.newBaseManager()) {
      TinyLinear straight = new TinyLinear(manager, 11);
      AdamW a = newOptimizer(straight);
      train(straight, a, 0, 6);

      TinyLinear first = new TinyLinear(manager, 11);
      AdamW b = newOptimizer(first);
      train(first, b, 0, 3);
      Map<String, NDArray> saved = b.exportState(manager);
      float[] w = first.value("weight");
      float[] bias = first.value("bias");
      b.close();

      TinyLinear resumed = new TinyLinear(manager, 99); // different init, overwritten below
      resumed.params().get("weight").getArray().set(w);
      resumed.params().get("bias").getArray().set(bias);
      AdamW c = newOptimizer(resumed);
      c.restoreState(saved);
      assertEquals(3, c.stepCount());
      train(resumed, c, 3, 6);

      for (String name : List.of("weight", "bias")) {
        assertArrayEquals(bits(straight.value(name)), bits(resumed.value(name)), name);
      }
      assertEquals(saved.keySet(), a.exportState(manager).keySet());

      // Control: the same resume without the optimizer state lands elsewhere.
      TinyLinear cold = new TinyLinear(manager, 99);
      cold.params().get("weight").getArray().set(w);
      cold.params().get("bias").getArray().set(bias);
      AdamW d = newOptimizer(cold);
      train(cold, d, 3, 6);
      assertNotEquals(straight.value("weight")[0], cold.value("weight")[0]);
      a.close();
      c.close();
      d.close();
    }
  }

  @Test
  void stepsAndClipsOnAThreadThatIsRecordingGradients() throws Exception {
    // Temporal's activity threads start with PyTorch's grad mode on; an in-place update of a leaf
    // while recording throws ("a leaf Variable that requires grad is being used in an in-place
    // operation"), as the PPO stage did before AdamW and GradClip turned recording off themselves.
    try (NDManager manager = NDManager.newBaseManager()) {
      TinyLinear net = new TinyLinear(manager, 5);
      AdamW opt = newOptimizer(net);
      net.backward();
      float[] before = net.value("weight");
      Throwable[] failure = new Throwable[1];
      Thread t = new Thread(() -> {
        try {
          ai.djl.pytorch.jni.JniUtils.setGradMode(true);
          GradClip.clipByGlobalNorm(net.params(), 0.5);
          opt.step(0.01);
          opt.zeroGrad();
          assertTrue(ai.djl.pytorch.jni.JniUtils.isGradMode(), "the caller's grad mode is restored");
        } catch (Throwable e) {
          failure[0] = e;
        }
      });
      t.start();
      t.join();
      if (failure[0] != null) {
        throw new AssertionError("update failed on a recording thread", failure[0]);
      }
      assertNotEquals(before[0], net.value("weight")[0]);
      opt.close();
    }
  }

  @Test
  void restoreRejectsStateWithMissingOrMisshapenEntries() {
    try (NDManager manager = NDManager.newBaseManager()) {
      AdamW opt = newOptimizer(new TinyLinear(manager, 1));
      Map<String, NDArray> state = new java.util.HashMap<>(opt.exportState(manager));
      state.remove("optim.v.bias");
      var e = assertThrows(IllegalArgumentException.class, () -> opt.restoreState(state));
      assertTrue(e.getMessage().contains("optim.v.bias"), e.getMessage());
      state.put("optim.v.bias", manager.zeros(new ai.djl.ndarray.types.Shape(3)));
      e = assertThrows(IllegalArgumentException.class, () -> opt.restoreState(state));
      assertTrue(e.getMessage().contains("optim.v.bias"), e.getMessage());
      opt.close();
    }
  }

  @Test
  void gradientsAccumulateAcrossCollectorsUntilZeroGrad() {
    // DJL 0.32 PyTorch: opening a new GradientCollector does not clear .grad, so two backward
    // passes of the same loss in two collectors leave exactly twice the gradient.
    try (NDManager manager = NDManager.newBaseManager()) {
      TinyLinear net = new TinyLinear(manager, 3);
      AdamW opt = newOptimizer(net);
      net.backward();
      float[] once = net.grad("weight");
      net.backward();
      float[] twice = net.grad("weight");
      for (int i = 0; i < once.length; i++) {
        assertNotEquals(0f, once[i]);
        assertEquals(2 * once[i], twice[i], 0f); // doubling is exact in floating point
      }
      opt.zeroGrad();
      assertArrayEquals(new float[6], net.grad("weight"), 0f);
      assertArrayEquals(new float[2], net.grad("bias"), 0f);
      net.backward();
      assertArrayEquals(once, net.grad("weight"), 0f);
      opt.close();
    }
  }

  @Test
  void defaultNoDecayRuleExemptsBiasesNormsAndEmbeddings() {
    for (String name :
        List.of("bias", "01Linear_bias", "h.0.ln_1.gamma", "ln_f.beta", "wte.embedding", "wpe",
            "h.3.attn.c_attn.bias", "02LayerNorm_gamma")) {
      assertEquals(true, AdamW.DEFAULT_NO_DECAY.test(name), name);
    }
    for (String name : List.of("weight", "01Linear_weight", "h.0.attn.c_attn.weight",
        "h.11.mlp.c_proj.weight", "lm_head.weight", "v_head.weight")) {
      assertEquals(false, AdamW.DEFAULT_NO_DECAY.test(name), name);
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      AdamW opt = newOptimizer(new TinyLinear(manager, 1));
      assertEquals(List.of("weight"), opt.decayedParameters());
      opt.close();
    }
  }

  private static AdamW newOptimizer(TinyLinear net) {
    return AdamW.builder()
        .setParameters(net.params())
        .optBetas(B1, B2)
        .optEps(EPS)
        .optWeightDecay(WD)
        .build();
  }

  private static void train(TinyLinear net, AdamW opt, int from, int to) {
    for (int s = from; s < to; s++) {
      net.backward();
      opt.step(LR.at(opt.stepCount()));
      opt.zeroGrad();
    }
  }

  /** torch.optim.AdamW written out in double precision (Loshchilov & Hutter 2019, Alg. 2). */
  private static void referenceStep(
      double[] p, double[] g, double[] m, double[] v, int t, double lr, boolean decay) {
    for (int i = 0; i < p.length; i++) {
      if (decay) {
        p[i] *= 1 - lr * WD;
      }
      m[i] = B1 * m[i] + (1 - B1) * g[i];
      v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
      double mHat = m[i] / (1 - Math.pow(B1, t));
      double vHat = v[i] / (1 - Math.pow(B2, t));
      p[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
    }
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static int[] bits(float[] f) {
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToRawIntBits(f[i]);
    }
    return b;
  }
}
