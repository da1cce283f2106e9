package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.rlcai.RlCaiPrompts;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.Task;

/**
 * RL-CAI's preference mix (Bai et al. 2022, sec. 4.1): the AI judge labels pairs on red-team prompts
 * for harmlessness, the simulated humans label pairs on helpful prompts, at {@code
 * rl_cai.harmless_fraction} of the prompts. Without an {@code rl_cai} section nothing changes.
 */
final class RlCaiMix {
  private RlCaiMix() {}

  /** The prompts the AI judges: the red-team share under RL-CAI, else the collect stage's prompts. */
  static List<String> aiPrompts(StageRun run, Task task) {
    ExperimentSpec spec = run.spec();
    return spec.runsRlCai() ? RlCaiPrompts.split(spec).redTeam() : CollectPreferencesActivitiesImpl.prompts(run, task);
  }

  /**
   * The AI's pairs followed by the simulated humans' pairs on the helpful prompts, sampled from
   * the same policy; the {@code collect/rl_cai/*} metrics go into {@code metrics}. Returns the
   * simulated ties, which are dropped.
   */
  static long appendHelpful(StageRun run, ArtifactRef policy, List<PreferencePair> aiPairs, List<PreferencePair> out,
      Map<String, Double> metrics) throws IOException {
    out.addAll(aiPairs);
    ExperimentSpec spec = run.spec();
    if (!spec.runsRlCai()) {
      return 0;
    }
    List<String> helpful = RlCaiPrompts.split(spec).helpful();
    SimulatedCollection.Result r = helpful.isEmpty() ? new SimulatedCollection.Result(List.of(), Double.NaN, 0)
        : simulated(run, policy, helpful);
    out.addAll(r.pairs());
    metrics.put("collect/rl_cai/harmless_pairs", (double) aiPairs.size());
    metrics.put("collect/rl_cai/helpful_pairs", (double) r.pairs().size());
    metrics.put("collect/rl_cai/harmless_pair_fraction", out.isEmpty() ? 0.0 : aiPairs.size() / (double) out.size());
    if (!helpful.isEmpty()) {
      metrics.put("collect/rl_cai/helpful_mean_oracle_score", r.meanOracleScore());
    }
    metrics.put("collect/prompts", metrics.getOrDefault("collect/prompts", 0.0) + helpful.size());
    return r.skippedTies();
  }

  private static SimulatedCollection.Result simulated(StageRun run, ArtifactRef policy, List<String> prompts)
      throws IOException {
    ExperimentSpec spec = run.spec();
    try (LanguageModel lm = Models.loadLanguageModel(run, policy, "policy")) {
      return new SimulatedCollection(spec, Task.named(spec.task().name())).collect(run, lm, prompts);
    }
  }
}
