package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.loss.TokenLogProbs;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.GradClip;

/**
 * The PPO pieces composed on a one-token bandit: the policy is a logit vector over V = 4 tokens,
 * the reward model pays 1 for token 2. Checks the fresh-rollout invariants at the first minibatch
 * of every batch, and that the policy learns the rewarded token (p goes from 0.25 to 0.995 in 15
 * batches with seed 42; the test asks for more than 0.9).
 */
class PpoToyBanditTest {
  private static final int V = 4;
  private static final int B = 16;
  private static final int REWARDED = 2;

  @Test
  void ppoLoopKeepsFreshRolloutInvariantsAndLearnsTheRewardedToken() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter logits = param(manager, "policy_logits", new Shape(V));
      Parameter value = param(manager, "v_head", new Shape(1));
      ParameterList params = new ParameterList();
      params.add("policy_logits", logits);
      params.add("v_head", value);
      AdamW opt = AdamW.builder().setParameters(params).optWeightDecay(0).build();
      // TRL's PPOConfig defaults: cliprange 0.2, cliprange_value 0.2, vf_coef 0.1, k1 KL.
      PpoLoss ppo = new PpoLoss(0.2, 0.2, 0.1);
      PpoRewards rewardsFn = new PpoRewards(KlEstimator.K1, 0);
      float[][] mask = new float[B][];
      float[][] refLogp = new float[B][];
      for (int b = 0; b < B; b++) {
        mask[b] = new float[] {0, 1}; // token 0 is the prompt, token 1 the response
        refLogp[b] = new float[] {0, (float) Math.log(1.0 / V)}; // reference = initial uniform
      }
      SplittableRandom rnd = new SplittableRandom(42);
      for (int iter = 0; iter < 15; iter++) {
        try (NDManager step = manager.newSubManager()) {
          int[] tokens = sample(logits.getArray().softmax(0).toFloatArray(), rnd);
          NDArray tok = step.create(tokens, new Shape(B, 2));
          float[][] oldLogp = rows(policyLogp(step, logits, tok));
          float[][] oldValues = rows(values(step, value));
          double[] scores = new double[B];
          for (int b = 0; b < B; b++) {
            scores[b] = tokens[2 * b + 1] == REWARDED ? 1 : 0;
          }
          var r = rewardsFn.compute(oldLogp, refLogp, mask, scores, new boolean[B], 0.05);
          Gae.Result gae = Gae.compute(r.rewards(), oldValues, mask, 1.0, 0.95); // TRL gamma, lam
          float[][] adv = Whiten.apply(gae.advantages(), mask, true);
          for (int epoch = 0; epoch < 4; epoch++) {
            PpoLoss.Result res;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              res = ppo.compute(policyLogp(step, logits, tok), flat(step, oldLogp),
                  flat(step, adv), values(step, value), flat(step, oldValues),
                  flat(step, gae.returns()), flat(step, mask));
              gc.backward(res.loss());
            }
            if (epoch == 0) { // same parameters as at rollout time
              assertEquals(1.0, res.ratioMean(), 0, "ratio at iter " + iter);
              assertEquals(0.0, res.approxKl(), 0);
              assertEquals(0.0, res.clipfrac(), 0);
            }
            GradClip.clipByGlobalNorm(params, 1.0);
            opt.step(1e-1);
            opt.zeroGrad();
          }
        }
      }
      float[] p = logits.getArray().softmax(0).toFloatArray();
      assertTrue(p[REWARDED] > 0.9, "p(rewarded) = " + p[REWARDED] + " after training");
      opt.close();
    }
  }

  private static Parameter param(NDManager m, String name, Shape shape) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
        .optShape(shape).optInitializer(new ConstantInitializer(0)).build();
    p.initialize(m, DataType.FLOAT32);
    return p;
  }

  /** (B,2) log-probs of the tokens; the policy's logits are the same at every position. */
  private static NDArray policyLogp(NDManager step, Parameter logits, NDArray tok) {
    NDArray l = step.zeros(new Shape(B, 2, V)).add(logits.getArray().reshape(1, 1, V));
    return TokenLogProbs.gather(l, tok);
  }

  private static NDArray values(NDManager step, Parameter value) {
    return step.zeros(new Shape(B, 2)).add(value.getArray().reshape(1, 1));
  }

  private static int[] sample(float[] probs, SplittableRandom rnd) {
    int[] tokens = new int[2 * B];
    for (int b = 0; b < B; b++) {
      double u = rnd.nextDouble();
      int k = 0;
      for (double c = probs[0]; c < u && k < V - 1; c += probs[++k]) {
        // walk the CDF
      }
      tokens[2 * b + 1] = k;
    }
    return tokens;
  }

  private static float[][] rows(NDArray x) {
    float[] f = x.toFloatArray();
    float[][] out = new float[B][2];
    for (int b = 0; b < B; b++) {
      out[b][0] = f[2 * b];
      out[b][1] = f[2 * b + 1];
    }
    return out;
  }

  private static NDArray flat(NDManager m, float[][] x) {
    float[] f = new float[B * 2];
    for (int b = 0; b < B; b++) {
      f[2 * b] = x[b][0];
      f[2 * b + 1] = x[b][1];
    }
    return m.create(f, new Shape(B, 2));
  }
}
