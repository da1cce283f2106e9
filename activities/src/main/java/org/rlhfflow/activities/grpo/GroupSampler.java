package org.rlhfflow.activities.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.Scoring;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.nn.Ops;
import org.rlhfflow.model.rl.GroupAdvantages;
import org.rlhfflow.model.rl.RlooRewards;
import org.rlhfflow.model.tokenizer.Tokenizer;
import org.rlhfflow.tasks.Task;

/**
 * Step 1 of an iteration: G responses per prompt from the policy, then one no-grad pass that scores
 * them (policy and reference log-probs, the reward) and turns the rewards into group advantages
 * (Shao et al. 2024, sec. 4.1; Ahmadian et al. 2024, eq. 5).
 */
final class GroupSampler {
  private final GroupModels models;
  private final GroupSettings s;
  private final GenerationConfig generation;
  private final Task verifier;
  private final Task oracle;

  /**
   * @param verifier scores responses when the reward source is the verifier; null uses the RM
   * @param oracle only feeds the logged oracle score; may be null
   */
  GroupSampler(GroupModels models, GroupSettings s, Task verifier, Task oracle) {
    this.models = models;
    this.s = s;
    this.generation = GenerationConfig.sampling(s.maxNewTokens(), models.policy.tokenizer())
        .withTemperature(s.temperature());
    this.verifier = verifier;
    this.oracle = oracle;
  }

  GroupBatch sample(List<String> prompts, long seed) {
    Tokenizer tok = models.policy.tokenizer();
    List<String> rowPrompts = new ArrayList<>();
    int[][] encoded = new int[prompts.size() * s.generations()][];
    for (int p = 0; p < prompts.size(); p++) {
      int[] ids = withBos(tok.bosId(), org.rlhfflow.activities.train.Sequences.promptIds(tok, prompts.get(p)));
      for (int j = 0; j < s.generations(); j++) { // the group: rows p*G .. p*G+G-1
        encoded[p * s.generations() + j] = ids;
        rowPrompts.add(prompts.get(p));
      }
    }
    Generation g = new Generator(models.policy.gpt()).generate(encoded, generation, seed);
    return score(g, rowPrompts);
  }

  private GroupBatch score(Generation g, List<String> rowPrompts) {
    int batch = g.batchSize();
    int width = g.tokens()[0].length;
    try (NoGrad ng = NoGrad.enter();
        NDManager m = models.policy.manager().newSubManager();
        Generation.Batch b = g.toBatch(m)) {
      NDArray ids = b.inputIds();
      NDArray att = b.attentionMask();
      float[] logp = Scoring.tokenLogprobs(scaled(models.policy.logits(ids, att)), ids, att).toFloatArray();
      float[] ref = models.reference(r -> Scoring.tokenLogprobs(scaled(r.logits(ids, att)), ids, att).toFloatArray());
      float[] resp = b.responseMask().toFloatArray();
      double[] rewards = verifier != null ? oracleScores(g, rowPrompts, verifier)
          : toDoubles(models.reward.rewards(ids, att).toFloatArray());
      double[] klSum = new double[batch];
      for (int r = 0; r < batch; r++) {
        for (int t = 0; t < width; t++) {
          klSum[r] += resp[r * width + t] * (logp[r * width + t] - ref[r * width + t]); // k1, as TRL
        }
      }
      GroupAdvantages.Result adv = s.leaveOneOut()
          ? RlooRewards.compute(rewards, klSum, s.klInReward(), s.generations()).stats()
          : GroupAdvantages.grpo(rewards, s.generations(), s.scaleRewards());
      double oracleMean = oracle == null ? Double.NaN : mean(oracleScores(g, rowPrompts, oracle));
      GroupBatch.Stats stats = new GroupBatch.Stats(mean(rewards), adv.meanStd(), adv.fracZeroStd(), oracleMean,
          mean(klSum), meanLength(g));
      return new GroupBatch(batch, width, ids.toLongArray(), att.toFloatArray(), resp, logp, ref,
          toFloats(adv.advantages()), stats);
    }
  }

  /** Logits divided by the sampling temperature, so log-probs are those of the sampler. */
  private NDArray scaled(NDArray logits) {
    return Ops.div(logits, s.temperature());
  }

  private double[] oracleScores(Generation g, List<String> rowPrompts, Task task) {
    Tokenizer tok = models.policy.tokenizer();
    double[] out = new double[g.batchSize()];
    for (int r = 0; r < out.length; r++) {
      out[r] = task.oracleScore(rowPrompts.get(r), tok.decode(g.response(r)));
    }
    return out;
  }

  private static int[] withBos(int bos, int[] ids) {
    int[] out = new int[ids.length + 1];
    out[0] = bos;
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  private static double meanLength(Generation g) {
    double sum = 0;
    for (int n : g.responseLen()) {
      sum += n;
    }
    return sum / g.batchSize();
  }

  private static double mean(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    return sum / x.length;
  }

  private static double[] toDoubles(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  private static float[] toFloats(double[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }
}
