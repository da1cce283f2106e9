package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.rlcai.RlCaiPrompts;
import org.rlhfflow.activities.rlcai.RlCaiSpec;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.Principle;
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

  /**
   * The principles the judge draws from: under RL-CAI only {@code rl_cai.harmless_principles} (the
   * judged pairs are all on red-team prompts), else the whole constitution.
   */
  static Constitution judged(ExperimentSpec spec, Constitution constitution) {
    if (!spec.runsRlCai()) {
      return constitution;
    }
    try {
      return constitution.restrictedTo(spec.rlCai().harmlessPrinciples(), "rl_cai.harmless_principles");
    } catch (IllegalArgumentException e) {
      throw new ValidationException(e.getMessage());
    }
  }

  /** Whether the judge labels through the principles' critique requests ({@code rl_cai.judge_by: critique}). */
  static boolean byCritique(ExperimentSpec spec) {
    return spec.runsRlCai() && spec.rlCai().judgeBy() == RlCaiSpec.JudgeBy.CRITIQUE;
  }

  /**
   * The collect stage's cache inputs for how the red-team pairs are judged, when the judge labels
   * any (at {@code harmless_fraction} 0 they change nothing, and the baseline's key stays as it was).
   */
  static void putJudgeInputs(ExperimentSpec spec, Constitution constitution, Map<String, String> inputs) {
    if (!spec.runsRlCai() || RlCaiPrompts.redTeamCount(spec) == 0) {
      return;
    }
    judged(spec, constitution); // fails here, naming the field, before anything is sampled
    inputs.put("rl_cai.harmless_principles", String.join(",", spec.rlCai().harmlessPrinciples()));
    inputs.put("rl_cai.judge_by", spec.rlCai().judgeBy().name().toLowerCase(java.util.Locale.ROOT));
    inputs.put("rl_cai.ensemble", Boolean.toString(spec.rlCai().ensemble()));
  }

  /** The principles the critique judge scores every pair under: all harmless ones with {@code rl_cai.ensemble}. */
  static List<Principle> ensemble(ExperimentSpec spec, Constitution constitution) {
    return byCritique(spec) && spec.rlCai().ensemble() ? judged(spec, constitution).principles() : List.of();
  }

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
