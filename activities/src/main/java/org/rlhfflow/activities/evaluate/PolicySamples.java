package org.rlhfflow.activities.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.collect.PaddingWaste;
import org.rlhfflow.activities.collect.PromptBatches;
import org.rlhfflow.activities.evaluate.EvaluationSpec;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.tasks.Task;

/**
 * A policy's responses to the held-out prompts with their scores. Row {@code p * s + j} is sample
 * j of prompt p, the prompts in order of length ({@link PromptBatches#byLength}). Every policy is sampled with the same seeds, batch by batch, so two identical
 * policies give identical samples and the comparison between policies is paired.
 *
 * @param oracle task oracle score per row; null when the task has no oracle
 * @param rm reward-model score per row; null when there is no reward model
 * @param kl log p_policy(response) - log p_ref(response) per row, both at the sampling
 *     temperature; null when not asked for, and when decoding is greedy (no distribution)
 * @param paddingWaste the share of the generated batches' token grids that was padding
 */
record PolicySamples(
    List<String> prompts, List<String> responses, double[] oracle, double[] rm, double[] kl,
    double paddingWaste) {

  /** What sampling needs besides the policy: the spec, the scorers and where to report progress. */
  record Sampler(StageRun run, EvaluationSpec spec, long seed, ScalarHeadModel rewardModel, Task oracle) {

    /**
     * @param reference the model to measure KL against; null skips KL, as does greedy decoding
     * @param stepOffset where this policy's batches start in the heartbeat count
     */
    PolicySamples sample(LanguageModel policy, LanguageModel reference, List<String> prompts,
        long stepOffset) throws IOException {
      int s = spec.samplesPerPrompt();
      GenerationConfig cfg =
          PromptBatches.config(policy.tokenizer(), spec.temperature(), spec.maxNewTokens());
      List<String> rowPrompts = new ArrayList<>();
      List<String> responses = new ArrayList<>();
      List<double[]> rm = new ArrayList<>();
      List<double[]> kl = new ArrayList<>();
      // The samples come from the policy at this temperature, so the KL is E_{y~p_T}[log p_T(y) -
      // q_T(y)] with both models scored at T: a true KL, >= 0, comparable to ppo/objective/kl.
      boolean withKl = reference != null && spec.temperature() > 0;
      PaddingWaste waste = new PaddingWaste();
      List<List<String>> batches = PromptBatches.chunks(
          PromptBatches.byLength(policy.tokenizer(), prompts), PromptBatches.promptsPerBatch(s));
      for (int i = 0; i < batches.size(); i++) {
        Generation g = PromptBatches.sample(policy, batches.get(i), s, cfg, Seeds.derive(seed, "evaluate", i));
        waste.add(g);
        batches.get(i).forEach(p -> rowPrompts.addAll(Collections.nCopies(s, p)));
        responses.addAll(PromptBatches.responses(policy.tokenizer(), g));
        if (rewardModel != null) {
          rm.add(SequenceScores.rewards(rewardModel, g));
        }
        if (withKl) {
          double t = spec.temperature();
          kl.add(minus(SequenceScores.responseLogprobs(policy, g, t), SequenceScores.responseLogprobs(reference, g, t)));
        }
        run.heartbeat(stepOffset + i, at -> progressNote(run, at));
      }
      return new PolicySamples(rowPrompts, responses, oracleScores(rowPrompts, responses),
          rewardModel == null ? null : concat(rm), withKl ? concat(kl) : null, waste.share());
    }

    private double[] oracleScores(List<String> rowPrompts, List<String> responses) {
      if (oracle == null) {
        return null;
      }
      double[] out = new double[responses.size()];
      for (int r = 0; r < out.length; r++) {
        out[r] = oracle.oracleScore(rowPrompts.get(r), responses.get(r));
      }
      return out;
    }
  }

  int size() {
    return responses.size();
  }

  /** Evaluation keeps no training state: a cancelled attempt leaves only a note of how far it got. */
  private static Path progressNote(StageRun run, long step) throws IOException {
    Path dir = run.workDir("cancelled-" + step);
    Files.writeString(dir.resolve("progress.json"), "{\"stage\": \"evaluate\", \"batch\": " + step + "}\n");
    return dir;
  }

  private static double[] minus(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - b[i];
    }
    return out;
  }

  private static double[] concat(List<double[]> parts) {
    return parts.stream().flatMapToDouble(Arrays::stream).toArray();
  }
}
