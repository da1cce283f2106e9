package org.rlhfflow.activities.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.rlhfflow.activities.ppo.PpoSpec;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.Scoring;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.rl.Gae;
import org.rlhfflow.model.rl.PpoRewards;
import org.rlhfflow.model.rl.Whiten;
import org.rlhfflow.model.tokenizer.Tokenizer;
import org.rlhfflow.tasks.Task;

/**
 * Step 1 and 2 of a PPO iteration: sample responses from the policy, then score the whole batch
 * once under no-grad (policy and reference log-probs, critic values, reward-model scores) and turn
 * the scores into KL-shaped per-token rewards, GAE advantages and returns (Ouyang et al. 2022, eq.
 * 2; Schulman et al. 2016; TRL PPOTrainer).
 */
final class RolloutCollector {
  private final PpoModels models;
  private final PpoSpec ppo;
  private final GenerationConfig generation;
  private final PpoRewards rewards;

  RolloutCollector(PpoModels models, PpoSpec ppo) {
    this.models = models;
    this.ppo = ppo;
    Tokenizer tok = models.policy.tokenizer();
    this.generation = GenerationConfig.sampling(ppo.maxNewTokens(), tok)
        .withTemperature(ppo.temperature()).withTopK(ppo.topK()).withTopP(ppo.topP());
    double eosPenalty = ppo.missingEosPenalty() == null ? 0 : ppo.missingEosPenalty();
    this.rewards = new PpoRewards(ppo.klEstimator(), eosPenalty);
  }

  private double lastGenerateS;
  private double lastScoreS;

  /** Rolls out {@code prompts}; {@code oracle} (may be null) only feeds the logged oracle score. */
  Rollout collect(List<String> prompts, long genSeed, Task oracle) {
    Tokenizer tok = models.policy.tokenizer();
    int[][] encoded = new int[prompts.size()][];
    for (int b = 0; b < encoded.length; b++) {
      encoded[b] = withBos(tok.bosId(), org.rlhfflow.activities.train.Sequences.promptIds(tok, prompts.get(b))); // chat template applied
    }
    long t0 = System.nanoTime();
    Generation g = new Generator(models.policy.gpt()).generate(encoded, generation, genSeed);
    long t1 = System.nanoTime();
    Rollout r = score(g, prompts, oracle, genSeed);
    lastGenerateS = (t1 - t0) / 1e9;
    lastScoreS = (System.nanoTime() - t1) / 1e9;
    return r;
  }

  /** Seconds the last {@link #collect} spent sampling, and scoring (log-probs, values, rewards, GAE). */
  double lastGenerateS() {
    return lastGenerateS;
  }

  double lastScoreS() {
    return lastScoreS;
  }

  private Rollout score(Generation g, List<String> prompts, Task oracle, long genSeed) {
    int batch = g.batchSize();
    int width = g.tokens()[0].length;
    try (NoGrad ng = NoGrad.enter();
        NDManager m = models.policy.manager().newSubManager();
        Generation.Batch b = g.toBatch(m)) {
      NDArray ids = b.inputIds();
      NDArray att = b.attentionMask();
      // Both models scored under the sampler's distribution (temperature, BOS/PAD removed).
      PpoModels.PolicyAndValues pv = models.policyAndValues(ids, att, ppo.temperature(), true);
      Scoring.TokenScores pol = pv.scores();
      NDArray refLogp = models.reference(r -> r.scoreSampled(ids, att, ppo.temperature(), false).logprobs());
      NDArray values = PpoUpdater.stateValues(pv.values());
      double[] scores = models.reward != null
          ? toDoubles(models.reward.rewards(ids, att).toFloatArray())
          : models.judge.score(prompts, responses(g), genSeed); // direct RLAIF: no reward model
      float[][] mask = rows(b.responseMask(), batch, width);
      float[][] logp = rows(pol.logprobs(), batch, width);
      float[][] oldValues = rows(values, batch, width);
      PpoRewards.Result r = rewards.compute(logp, rows(refLogp, batch, width), mask, scores,
          g.endedWithEos(), models.kl.value());
      Gae.Result gae = Gae.compute(r.rewards(), oldValues, mask, ppo.gamma(), ppo.lam());
      // Whiten over the whole batch, as TRL's masked_whiten; returns keep the raw advantages.
      float[][] adv = ppo.whitenAdvantages() ? Whiten.apply(gae.advantages(), mask, true) : gae.advantages();
      Rollout.Stats stats = new Rollout.Stats(mean(scores), oracleMean(g, prompts, oracle),
          mean(r.klSum()), maskedMean(pol.entropy(), b.responseMask()), mean(g.responseLen()));
      return new Rollout(batch, width, flatten(g.tokens()), att.toFloatArray(),
          b.responseMask().toFloatArray(), logp, oldValues, adv, gae.returns(), stats);
    }
  }

  private List<String> responses(Generation g) {
    Tokenizer tok = models.policy.tokenizer();
    List<String> out = new java.util.ArrayList<>(g.batchSize());
    for (int b = 0; b < g.batchSize(); b++) {
      out.add(tok.decode(g.response(b)));
    }
    return out;
  }

  /** Mean hidden-oracle score of the responses (EOS and padding dropped by decode), or NaN. */
  private double oracleMean(Generation g, List<String> prompts, Task oracle) {
    if (oracle == null) {
      return Double.NaN;
    }
    Tokenizer tok = models.policy.tokenizer();
    double sum = 0;
    for (int b = 0; b < g.batchSize(); b++) {
      sum += oracle.oracleScore(prompts.get(b), tok.decode(g.response(b)));
    }
    return sum / g.batchSize();
  }

  static int[] withBos(int bos, int[] ids) {
    int[] out = new int[ids.length + 1];
    out[0] = bos;
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  private static float[][] rows(NDArray x, int batch, int width) {
    float[] flat = x.toFloatArray();
    float[][] out = new float[batch][width];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(flat, b * width, out[b], 0, width);
    }
    return out;
  }

  private static long[] flatten(int[][] tokens) {
    int w = tokens[0].length;
    long[] out = new long[tokens.length * w];
    for (int b = 0; b < tokens.length; b++) {
      for (int t = 0; t < w; t++) {
        out[b * w + t] = tokens[b][t];
      }
    }
    return out;
  }

  private static double maskedMean(NDArray x, NDArray mask) {
    return x.mul(mask).sum().getFloat() / mask.sum().getFloat();
  }

  private static double[] toDoubles(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double mean(int[] x) {
    double s = 0;
    for (int v : x) {
      s += v;
    }
    return s / x.length;
  }
}
