package org.rlhfflow.activities.rm;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.rlhfflow.activities.rm.RewardModelSpec;
import org.rlhfflow.activities.train.TrainingLoop.StepLoss;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.loss.BradleyTerryLoss;

/**
 * One reward-model step: −log σ(r_c − r_r − m) over a batch of pairs (Ouyang et al. 2022, eq. 1),
 * with the dataset's margin m when {@code reward_model.margin} is on (Touvron et al. 2023) and the
 * optional centering penalty (Eisenstein et al. 2023). A dataset with soft labels (an AI judge's
 * probabilities) trains on cross-entropy against them instead (Lee et al. 2023, sec. 2.2).
 */
final class RewardStep {
  private final ScalarHeadModel rm;
  private final PairBatches pairs;
  private final boolean useMargin;
  private final BradleyTerryLoss loss;
  private final boolean soft;

  RewardStep(ScalarHeadModel rm, PairBatches pairs, RewardModelSpec spec) {
    this.rm = rm;
    this.pairs = pairs;
    this.useMargin = spec.margin();
    this.loss = new BradleyTerryLoss(spec.centerRewardsCoef());
    this.soft = pairs.soft();
  }

  StepLoss loss(int[] rows, NDManager m) {
    PairBatches.Rewards r = pairs.rewards(rm, rows, m);
    BradleyTerryLoss.Result out = loss.compute(r.chosen(), r.rejected(), useMargin ? pairs.margins(rows, m) : null,
        soft ? pairs.softTargets(rows, m) : null);
    Map<String, Double> metrics = Map.of(
        "rm/accuracy", out.accuracy(),
        "rm/rewards/chosen", out.rewardChosen(),
        "rm/rewards/rejected", out.rewardRejected(),
        "rm/rewards/margins", out.margin());
    return new StepLoss(out.loss(), metrics);
  }
}
