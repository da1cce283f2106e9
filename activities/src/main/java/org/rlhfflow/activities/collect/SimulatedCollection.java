package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.tasks.SimulatedAnnotator;
import org.rlhfflow.tasks.Task;

/**
 * Preference collection with a simulated labeller, as InstructGPT collects comparisons: sample K
 * responses per prompt from the SFT policy, have the labeller rank them, and keep all K(K-1)/2
 * pairs (Ouyang et al. 2022, sec. 3.5). The labeller is the task's oracle seen through
 * Bradley–Terry noise ({@link SimulatedAnnotator}).
 */
final class SimulatedCollection {
  static final String SOURCE = "simulated";

  /**
   * @param pairs every labelled pair, in prompt order
   * @param meanOracleScore mean oracle score over all sampled responses
   * @param skippedTies pairs of identical responses, which carry no preference and are dropped
   */
  record Result(List<PreferencePair> pairs, double meanOracleScore, long skippedTies) {}

  private final ExperimentSpec spec;
  private final Task task;
  private final SimulatedAnnotator annotator;
  private final SplittableRandom annotatorRng;
  private final int k;

  SimulatedCollection(ExperimentSpec spec, Task task) {
    this.spec = spec;
    this.task = task;
    this.annotator = new SimulatedAnnotator(task, spec.preferences().annotatorTemperature());
    this.annotatorRng = new SplittableRandom(Seeds.derive(spec.seed(), "collect", "annotator"));
    this.k = spec.preferences().responsesPerPrompt();
  }

  /** Samples, labels and heartbeats batch by batch; a retried attempt simply starts over. */
  Result collect(StageRun run, LanguageModel lm, List<String> prompts) throws IOException {
    GenerationConfig cfg =
        PromptBatches.config(lm.tokenizer(), spec.preferences().temperature(), spec.preferences().maxNewTokens());
    List<PreferencePair> pairs = new ArrayList<>();
    double scoreSum = 0;
    long skipped = 0;
    List<List<String>> batches =
        PromptBatches.chunks(PromptBatches.byLength(lm.tokenizer(), prompts), PromptBatches.promptsPerBatch(k));
    PaddingWaste waste = new PaddingWaste();
    for (int i = 0; i < batches.size(); i++) {
      List<String> batch = batches.get(i);
      Generation g = PromptBatches.sample(lm, batch, k, cfg, Seeds.derive(spec.seed(), "collect", i));
      waste.add(g);
      List<String> responses = PromptBatches.responses(lm.tokenizer(), g);
      for (int p = 0; p < batch.size(); p++) {
        List<String> mine = responses.subList(p * k, (p + 1) * k);
        Map<String, int[]> ids = new HashMap<>();
        for (int j = 0; j < k; j++) {
          scoreSum += task.oracleScore(batch.get(p), mine.get(j));
          ids.putIfAbsent(mine.get(j), g.response(p * k + j)); // the sampled ids, EOS only if emitted
        }
        List<PreferencePair> labelled = label(batch.get(p), mine, ids);
        skipped += k * (k - 1) / 2 - labelled.size();
        pairs.addAll(labelled);
      }
      run.metric("collect/pairs_so_far", pairs.size(), i);
      run.heartbeat(i, step -> partial(run, pairs, step));
    }
    run.metric("collect/padding_waste", waste.share(), 0);
    return new Result(pairs, scoreSum / ((double) prompts.size() * k), skipped);
  }

  /** All pairs of distinct responses to one prompt, the preferred one first, without token ids. */
  List<PreferencePair> label(String prompt, List<String> responses) {
    return label(prompt, responses, Map.of());
  }

  /**
   * All pairs of distinct responses to one prompt, the preferred one first, each response with its
   * sampled token ids from {@code ids} (by text: two id sequences that decode to one text are one
   * response to the labeller, a tie).
   */
  List<PreferencePair> label(String prompt, List<String> responses, Map<String, int[]> ids) {
    List<PreferencePair> out = new ArrayList<>();
    for (SimulatedAnnotator.Judgement j : annotator.judge(prompt, responses, annotatorRng)) {
      out.add(new PreferencePair(prompt, j.chosen(), j.rejected(), j.margin(), SOURCE, annotator.id(), List.of(),
          ids.get(j.chosen()), ids.get(j.rejected())));
    }
    return out;
  }

  /** What a cancelled attempt leaves behind: the pairs labelled so far, for inspection. */
  private static Path partial(StageRun run, List<PreferencePair> pairs, long step) throws IOException {
    Path dir = run.workDir("partial-" + step);
    ArrowDatasets.writePreferences(dir.resolve("preferences.arrow"), pairs);
    return dir;
  }
}
