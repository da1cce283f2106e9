package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.tasks.Task;

/**
 * Preference collection with AI feedback (RLAIF, Lee et al. 2023): K responses per prompt sampled
 * from the SFT policy as for simulated labels, every pair of distinct responses judged under one
 * principle drawn from (seed, comparison index), in {@code preferences.ai.shards} shards. The
 * chosen response is the one the judge prefers; {@code soft_label} is its probability.
 */
final class AiCollection {
  static final String SOURCE = "ai";

  /** Pairs in comparison order and the stage's {@code collect/ai/*} metrics. */
  record Result(List<PreferencePair> pairs, Map<String, Double> metrics) {}

  private final ExperimentSpec spec;
  private final Task task;
  private final Constitution constitution;

  AiCollection(ExperimentSpec spec, Task task, Constitution constitution) {
    this.spec = spec;
    this.task = task;
    this.constitution = constitution;
  }

  Result collect(StageRun run, LanguageModel policy, Judge judge, String judgeSha, List<String> prompts)
      throws IOException {
    List<Judge.Comparison> comparisons = comparisons(sample(policy, prompts));
    run.heartbeat(0, step -> partial(run, List.of(), step));
    int shards = Math.min(spec.preferences().ai().shards(), Math.max(1, comparisons.size()));
    List<PreferencePair> pairs = new ArrayList<>();
    List<Judge.Verdict> verdicts = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int s = 0; s < shards; s++) {
      List<Judge.Comparison> shard = shard(comparisons, s, shards);
      List<Judge.Verdict> v = judge.judge(shard);
      verdicts.addAll(v);
      for (int i = 0; i < shard.size(); i++) {
        pairs.add(pair(shard.get(i), v.get(i), judgeSha));
      }
      run.metric("collect/pairs_so_far", pairs.size(), s + 1);
      run.heartbeat(s + 1, step -> partial(run, pairs, step));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> metrics = JudgeMetrics.of(task, comparisons, verdicts);
    metrics.put("collect/ai/comparisons_per_s", comparisons.size() / Math.max(seconds, 1e-9));
    return new Result(pairs, metrics);
  }

  /** The {@code s}-th of {@code n} contiguous, near-equal slices: what one labelling activity gets. */
  static <T> List<T> shard(List<T> items, int s, int n) {
    int from = (int) ((long) items.size() * s / n);
    int to = (int) ((long) items.size() * (s + 1) / n);
    return items.subList(from, to);
  }

  /** K responses for each prompt, sampled as the simulated labeller's are. */
  private Map<String, List<String>> sample(LanguageModel lm, List<String> prompts) {
    int k = spec.preferences().responsesPerPrompt();
    GenerationConfig cfg =
        PromptBatches.config(lm.tokenizer(), spec.preferences().temperature(), spec.preferences().maxNewTokens());
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<List<String>> batches = PromptBatches.chunks(prompts, PromptBatches.promptsPerBatch(k));
    for (int i = 0; i < batches.size(); i++) {
      Generation g = PromptBatches.sample(lm, batches.get(i), k, cfg, Seeds.derive(spec.seed(), "collect", i));
      List<String> responses = PromptBatches.responses(lm.tokenizer(), g);
      for (int p = 0; p < batches.get(i).size(); p++) {
        out.put(batches.get(i).get(p), responses.subList(p * k, (p + 1) * k));
      }
    }
    return out;
  }

  /** Every pair of distinct responses to a prompt, each with a principle from its own seeded stream. */
  private List<Judge.Comparison> comparisons(Map<String, List<String>> responses) {
    List<Judge.Comparison> out = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, List<String>> e : responses.entrySet()) {
      List<String> mine = e.getValue();
      for (int a = 0; a < mine.size(); a++) {
        for (int b = a + 1; b < mine.size(); b++) {
          if (mine.get(a).equals(mine.get(b))) {
            continue; // a tie says nothing about preference
          }
          SplittableRandom rng = new SplittableRandom(Seeds.derive(spec.seed(), "collect", "principle", index++));
          out.add(new Judge.Comparison(constitution.draw(rng), e.getKey(), mine.get(a), mine.get(b)));
        }
      }
    }
    return out;
  }

  private static PreferencePair pair(Judge.Comparison c, Judge.Verdict v, String judgeSha) {
    double p = v.softLabel();
    boolean aWins = p >= 0.5;
    return new PreferencePair(c.prompt(), aWins ? c.a() : c.b(), aWins ? c.b() : c.a(), null, SOURCE,
        "judge", List.of(), null, null, aWins ? p : 1 - p, c.principle().id(), judgeSha);
  }

  private static Path partial(StageRun run, List<PreferencePair> pairs, long step) throws IOException {
    Path dir = run.workDir("partial-" + step);
    ArrowDatasets.writePreferences(dir.resolve("preferences.arrow"), pairs);
    return dir;
  }
}
