package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.bench.PlainSgd;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/** Central finite differences in float64 against autograd, on NANO, for every parameter tensor. */
class GradientCheckTest {
  private static final double EPS = 1e-6;

  @Test
  void autogradMatchesFiniteDifferences() {
    Determinism.configure();
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 13, DataType.FLOAT64);
        NDManager m = lm.manager().newSubManager()) {
      NDArray ids = TestData.ids(m, TestData.ids(2, 6, 256, 21));
      NDArray mask = TestData.leftPadMask(m, 6, 0, 2);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(PlainSgd.lmLoss(lm, ids, mask));
      }
      SplittableRandom pick = new SplittableRandom(5);
      double worst = 0;
      for (Map.Entry<String, NDArray> e : lm.weights().entrySet()) {
        NDArray p = e.getValue();
        try (NDArray grad = p.getGradient()) {
          for (int trial = 0; trial < 2; trial++) {
            long[] at = randomIndex(p, pick);
            double analytic = grad.getDouble(at);
            double numeric = numericGrad(lm, ids, mask, p, at);
            double err = Math.abs(analytic - numeric) / Math.max(1e-4, Math.abs(analytic) + Math.abs(numeric));
            assertTrue(err < 1e-5, e.getKey() + java.util.Arrays.toString(at) + " analytic " + analytic + " numeric " + numeric);
            worst = Math.max(worst, err);
          }
        }
      }
      assertTrue(worst < 1e-5, "worst relative error " + worst);
    }
  }

  private static long[] randomIndex(NDArray p, SplittableRandom r) {
    long[] dims = p.getShape().getShape();
    long[] at = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      at[i] = r.nextLong(dims[i]);
    }
    return at;
  }

  private static double numericGrad(LanguageModel lm, NDArray ids, NDArray mask, NDArray p, long[] at) {
    try (NoGrad ng = NoGrad.enter()) {
      double orig = p.getDouble(at);
      p.set(new NDIndex(at), orig + EPS);
      double plus = loss(lm, ids, mask);
      p.set(new NDIndex(at), orig - EPS);
      double minus = loss(lm, ids, mask);
      p.set(new NDIndex(at), orig);
      return (plus - minus) / (2 * EPS);
    }
  }

  private static double loss(LanguageModel lm, NDArray ids, NDArray mask) {
    try (NDManager step = ids.getManager().newSubManager()) {
      NDArray i = ids.duplicate();
      NDArray mk = mask.duplicate();
      i.attach(step);
      mk.attach(step);
      return PlainSgd.lmLoss(lm, i, mk).getDouble();
    }
  }
}
