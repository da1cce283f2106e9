package org.rlhfflow.activities.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.optim.GradClip;
import org.rlhfflow.model.rl.PpoLoss;

/**
 * Step 3 of a PPO iteration: {@code ppo_epochs} passes over the rollout in shuffled minibatches,
 * each a clipped-surrogate policy loss plus vf_coef times the clipped value loss (Schulman et al.
 * 2017, eq. 7 and 9; TRL PPOTrainer), one backward, global-norm clipping per model, and one AdamW
 * step each for the policy and the critic.
 */
final class PpoUpdater {
  private final PpoModels models;
  private final PpoSpec ppo;
  private final PpoLoss loss;
  private final long seed;

  /**
   * Means over all minibatches of the iteration, plus the first minibatch's ratio and clipfrac: the
   * policy has not moved yet there, so they must be 1 and 0 (a check that old and new log-probs
   * are computed the same way).
   */
  record Stats(double clipfrac, double approxKl, double ratio, double vfLoss, double policyLoss,
      double firstRatio, double firstClipfrac) {}

  PpoUpdater(PpoModels models, PpoSpec ppo, long seed) {
    this.models = models;
    this.ppo = ppo;
    this.loss = new PpoLoss(ppo.cliprange(), ppo.cliprangeValue(), ppo.vfCoef());
    this.seed = seed;
  }

  Stats update(Rollout rollout, long iteration) {
    double[] sums = new double[5];
    double firstRatio = Double.NaN;
    double firstClip = Double.NaN;
    int steps = 0;
    for (int epoch = 0; epoch < ppo.ppoEpochs(); epoch++) {
      int[] perm = permutation(rollout.batch(),
          new SplittableRandom(Seeds.derive(seed, "ppo", "mb", iteration, epoch)));
      for (int start = 0; start < perm.length; start += ppo.minibatchSize()) {
        int[] rows = Arrays.copyOfRange(perm, start, Math.min(perm.length, start + ppo.minibatchSize()));
        PpoLoss.Result r = step(rollout, rows, sums, iteration, steps);
        if (steps++ == 0) {
          firstRatio = r.ratioMean();
          firstClip = r.clipfrac();
        }
      }
    }
    return new Stats(sums[0] / steps, sums[1] / steps, sums[2] / steps, sums[3] / steps, sums[4] / steps,
        firstRatio, firstClip);
  }

  /** One minibatch: forward, backward, clip, step; every array lives on the step's manager. */
  private PpoLoss.Result step(Rollout rollout, int[] rows, double[] sums, long iteration, int step) {
    try (NDManager m = models.policy.manager().newSubManager()) {
      Rollout.Minibatch mb = rollout.slice(rows, m);
      PpoLoss.Result r;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        PpoModels.PolicyAndValues pv = models.policyAndValues(mb.ids(), mb.attention(), ppo.temperature(), false);
        NDArray logp = pv.scores().logprobs();
        NDArray values = stateValues(pv.values());
        r = loss.compute(logp, mb.oldLogp(), mb.advantages(), values, mb.oldValues(), mb.returns(),
            mb.response());
        gc.backward(r.loss());
      }
      sums[0] += r.clipfrac();
      sums[1] += r.approxKl();
      sums[2] += r.ratioMean();
      sums[3] += r.valueLoss().getFloat();
      sums[4] += r.policyLoss().getFloat();
      double clip = ppo.maxGradNorm() > 0 ? ppo.maxGradNorm() : Double.MAX_VALUE;
      double policyNorm = GradClip.clipByGlobalNorm(models.policy.parameters(), clip);
      double criticNorm = GradClip.clipByGlobalNorm(models.critic.trainableParameters(), clip);
      // Before the step, as TrainingLoop does for SFT and RM: clipping skips a NaN norm, so without
      // this check a NaN gradient would reach the weights and AdamW's moments.
      requireFinite(iteration, step, r.policyLoss().getFloat(), r.valueLoss().getFloat(), policyNorm, criticNorm);
      models.policyOpt.step(ppo.learningRate());
      models.criticOpt.step(ppo.criticLearningRate());
      models.policyOpt.zeroGrad();
      models.criticOpt.zeroGrad();
      return r;
    }
  }

  /** Fails the stage, non-retryably, naming where and what is not finite. */
  static void requireFinite(long iteration, int step, double policyLoss, double valueLoss, double policyNorm,
      double criticNorm) {
    if (!(Double.isFinite(policyLoss) && Double.isFinite(valueLoss) && Double.isFinite(policyNorm)
        && Double.isFinite(criticNorm))) {
      throw new StageFailures.TrainingDivergedException("non-finite PPO update at iteration " + iteration
          + ", minibatch step " + step + ": ppo/loss/policy " + policyLoss + ", ppo/val/vf_loss " + valueLoss
          + ", policy grad norm " + policyNorm + ", critic grad norm " + criticNorm
          + "; no optimizer step was taken");
    }
  }

  /**
   * Values of the state before each token: V(s_t) for the action at t is the critic's output at
   * t - 1 (TRL reads values[:, context_length - 1 : -1]). Shifts (B, T) right by one, zero first.
   */
  static NDArray stateValues(NDArray perPosition) {
    long b = perPosition.getShape().get(0);
    NDArray zero = perPosition.getManager().zeros(new Shape(b, 1), perPosition.getDataType());
    return zero.concat(perPosition.get(":, :-1"), 1); // (B, T)
  }

  private static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
