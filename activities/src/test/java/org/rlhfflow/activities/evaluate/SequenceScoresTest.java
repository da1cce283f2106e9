package org.rlhfflow.activities.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.collect.PromptBatches;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/** Batched, left-padded scoring agrees with scoring each sequence on its own, without padding. */
class SequenceScoresTest {
  private static final double TOL = 1e-4; // float32 sums in a different order

  @Test
  void batchedScoresMatchUnpaddedRows() {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 21);
        ScalarHeadModel rm = ScalarHeadModel.create(
            ScalarHeadModel.Kind.REWARD, GptConfig.NANO, new ByteTokenizer(), 22)) {
      // Prompts of different lengths, so rows are padded by different amounts.
      Generation g = PromptBatches.sample(lm, List.of("12=", "34567=", "908="), 2,
          PromptBatches.config(lm.tokenizer(), 0.7, 6), 5);
      double[] logp = SequenceScores.responseLogprobs(lm, g, 0.7);
      double[] reward = SequenceScores.rewards(rm, g);
      for (int b = 0; b < g.batchSize(); b++) {
        assertEquals(unpaddedLogprob(lm, g, b), logp[b], TOL, "log-prob of row " + b);
        assertEquals(unpaddedReward(rm, g, b), reward[b], TOL, "reward of row " + b);
      }
    }
  }

  @Test
  void responseLogprobsAreTheSampledDistributionsAtTheTemperature() {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 21)) {
      Generation g = PromptBatches.sample(lm, List.of("12="), 1, PromptBatches.config(lm.tokenizer(), 0.5, 4), 3);
      double expected = bySoftmax(lm, sequence(g, 0), g.responseLen()[0], 0.5);
      assertEquals(expected, SequenceScores.responseLogprobs(lm, g, 0.5)[0], TOL);
      // At another temperature the figure differs: the temperature is really applied.
      double t1 = bySoftmax(lm, sequence(g, 0), g.responseLen()[0], 1.0);
      assertEquals(t1, SequenceScores.responseLogprobs(lm, g, 1.0)[0], TOL);
      org.junit.jupiter.api.Assertions.assertNotEquals(expected, t1, 1e-3);
    }
  }

  /**
   * Reference computation in Java doubles from the raw logits: log softmax(logits / T) over the
   * vocabulary without BOS and PAD (the tokens the sampler never draws), summed over the response.
   */
  private static double bySoftmax(LanguageModel lm, long[] ids, int responseLen, double temperature) {
    try (NoGrad ng = NoGrad.enter(); NDManager m = lm.manager().newSubManager()) {
      NDArray x = m.create(ids, new Shape(1, ids.length));
      float[] logits = lm.logits(x, m.ones(new Shape(1, ids.length))).toFloatArray(); // (1, L, V)
      int v = logits.length / ids.length;
      double sum = 0;
      for (int t = ids.length - responseLen; t < ids.length; t++) {
        int row = (t - 1) * v;
        double z = 0;
        for (int k = 0; k < v; k++) {
          if (k != ByteTokenizer.BOS && k != ByteTokenizer.PAD) {
            z += Math.exp(logits[row + k] / temperature);
          }
        }
        sum += logits[row + (int) ids[t]] / temperature - Math.log(z);
      }
      return sum;
    }
  }

  /** The sum of the response tokens' log-probs with the sequence alone in its batch. */
  private static double unpaddedLogprob(LanguageModel lm, Generation g, int b) {
    long[] ids = sequence(g, b);
    try (NoGrad ng = NoGrad.enter(); NDManager m = lm.manager().newSubManager()) {
      NDArray x = m.create(ids, new Shape(1, ids.length));
      NDArray mask = m.ones(new Shape(1, ids.length));
      float[] lp = lm.scoreSampled(x, mask, 0.7, false).logprobs().toFloatArray(); // (1, L)
      double sum = 0;
      for (int t = ids.length - g.responseLen()[b]; t < ids.length; t++) {
        sum += lp[t];
      }
      return sum;
    }
  }

  private static double unpaddedReward(ScalarHeadModel rm, Generation g, int b) {
    long[] ids = sequence(g, b);
    try (NoGrad ng = NoGrad.enter(); NDManager m = rm.manager().newSubManager()) {
      NDArray x = m.create(ids, new Shape(1, ids.length));
      return rm.rewards(x, m.ones(new Shape(1, ids.length))).getFloat(0);
    }
  }

  private static long[] sequence(Generation g, int b) {
    int[] p = g.prompt(b);
    int[] r = g.response(b);
    int[] all = Arrays.copyOf(p, p.length + r.length);
    System.arraycopy(r, 0, all, p.length, r.length);
    return Arrays.stream(all).asLongStream().toArray();
  }
}
