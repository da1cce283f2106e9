package org.rlhfflow.activities.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.gen.Generation;

/** Scores of generated sequences under a model, one forward pass per batch, no autograd graph. */
final class SequenceScores {
  private SequenceScores() {}

  /** The reward model's scalar at each row's last real token (prompt and response). */
  static double[] rewards(ScalarHeadModel rm, Generation g) {
    try (NoGrad ng = NoGrad.enter();
        NDManager m = rm.manager().newSubManager();
        Generation.Batch b = g.toBatch(m)) {
      return toDoubles(rm.rewards(b.inputIds(), b.attentionMask()).toFloatArray()); // (B)
    }
  }

  /**
   * log p(response | prompt) per row under the distribution sampled at {@code temperature} (logits
   * / temperature, BOS and PAD removed): the sum of the response tokens' log-probs, EOS included.
   */
  static double[] responseLogprobs(LanguageModel lm, Generation g, double temperature) {
    try (NoGrad ng = NoGrad.enter();
        NDManager m = lm.manager().newSubManager();
        Generation.Batch b = g.toBatch(m)) {
      NDArray logp = lm.scoreSampled(b.inputIds(), b.attentionMask(), temperature, false).logprobs(); // (B, T)
      return toDoubles(logp.mul(b.responseMask()).sum(new int[] {1}).toFloatArray()); // (B)
    }
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
