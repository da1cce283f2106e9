package org.rlhfflow.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.Collection;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.nn.Ops;

/**
 * One language-modelling step with plain SGD (p -= lr * grad), for the benchmark and tests. The
 * pipeline's optimizer is AdamW in {@code org.rlhfflow.model.optim}; this exists so the model can
 * be measured and checked for determinism on its own.
 */
public final class PlainSgd {
  private PlainSgd() {}

  /** Next-token cross-entropy, mean over scored tokens; (B, T) ids and mask on {@code step}. */
  public static NDArray lmLoss(LanguageModel lm, NDArray ids, NDArray mask) {
    NDArray logp = lm.tokenLogprobs(ids, mask); // (B, T), 0 where unscored
    NDArray m = mask.toType(logp.getDataType(), false);
    NDArray scored = m.get(":, 1:").mul(m.get(":, :-1")).sum(); // how many tokens are scored
    return logp.sum().neg().div(scored.maximum(Ops.constant(scored, 1)));
  }

  /**
   * Forward, backward, update, zero gradients; returns the loss before the update. Intermediates
   * land on the manager of {@code ids}: pass arrays from a per-step sub-manager.
   */
  public static float step(LanguageModel lm, NDArray ids, NDArray mask, float lr) {
    float loss;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray l = lmLoss(lm, ids, mask);
      gc.backward(l);
      loss = l.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
    }
    update(lm.weights().values(), lr);
    return loss;
  }

  /** p -= lr * grad for every array, then zeroes the gradients (PyTorch accumulates them). */
  public static void update(Collection<NDArray> params, float lr) {
    try (NoGrad ng = NoGrad.enter()) {
      for (NDArray p : params) {
        try (NDArray g = p.getGradient();
            NDArray delta = g.mul(lr)) {
          p.subi(delta);
          g.muli(0);
        }
      }
    }
  }
}
