package org.rlhfflow.activities.grpo;

import org.rlhfflow.model.rl.GrpoLoss;

/**
 * What the shared group policy-gradient trainer needs, read from {@code grpo:} or {@code rloo:}.
 * GRPO and RLOO differ only in the advantage (group-normalised vs leave-one-out with a sequence KL
 * in the reward) and in where the KL goes (k3 in the loss vs in the reward); the clipped token
 * objective is shared, and with one pass over fresh samples it is exactly REINFORCE with the
 * group's baseline (the ratio is 1 and nothing is clipped).
 *
 * @param stage {@code grpo} or {@code rloo}: the metric prefix and the seed stream
 * @param klInLoss β of the k3 term in the loss (GRPO)
 * @param klInReward β of the summed KL subtracted from each sequence's reward (RLOO)
 */
record GroupSettings(
    String stage,
    boolean leaveOneOut,
    int iterations,
    int prompts,
    int generations,
    double epsilonLow,
    double epsilonHigh,
    double klInLoss,
    double klInReward,
    GrpoLoss.Aggregation aggregation,
    boolean scaleRewards,
    double learningRate,
    int numIterations,
    int minibatchSize,
    double temperature,
    int maxNewTokens,
    double maxGradNorm,
    int checkpointEvery) {

  static GroupSettings of(GrpoSpec g) {
    return new GroupSettings(GroupStages.GRPO, false, g.iterations(), g.promptsPerIteration(), g.numGenerations(),
        g.epsilon(), g.upperEpsilon(), g.beta(), 0, GrpoLoss.Aggregation.valueOf(g.loss().name()), g.scaleRewards(),
        g.learningRate(), g.numIterations(), g.minibatchSize(), g.temperature(), g.maxNewTokens(), g.maxGradNorm(),
        g.checkpointEvery());
  }

  /** RLOO: per-sequence-mean aggregation and no KL in the loss; the KL is in the reward. */
  static GroupSettings of(RlooSpec r) {
    return new GroupSettings(GroupStages.RLOO, true, r.iterations(), r.promptsPerIteration(), r.numGenerations(),
        r.epsilon(), r.epsilon(), 0, r.klCoef(), GrpoLoss.Aggregation.GRPO, false, r.learningRate(),
        r.numIterations(), r.minibatchSize(), r.temperature(), r.maxNewTokens(), r.maxGradNorm(),
        r.checkpointEvery());
  }

  int batchSize() {
    return prompts * generations;
  }
}
