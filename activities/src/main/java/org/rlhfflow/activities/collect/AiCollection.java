package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * principle drawn from (seed, comparison index), in {@code preferences.ai.shards} shards of the
 * judge's batches. The chosen response is the one the judge prefers; {@code soft_label} is its
 * probability.
 */
final class AiCollection {
  static final String SOURCE = "ai";

  /** Pairs in comparison order and the stage's {@code collect/ai/*} metrics. */
  record Result(List<PreferencePair> pairs, Map<String, Double> metrics) {}

  private final ExperimentSpec spec;
  private final Task task;
  private final Constitution constitution;

  /** {@code constitution} is the whole file; under RL-CAI principles are drawn from the harmless ones only. */
  AiCollection(ExperimentSpec spec, Task task, Constitution constitution) {
    this.spec = spec;
    this.task = task;
    this.constitution = RlCaiMix.judged(spec, constitution);
  }

  /**
   * Samples, then labels the comparisons here, shard after shard with a heartbeat after each (the
   * collect activity of workflows started before the fan-out; the fan-out runs the same batches in
   * {@link AiCollectActivitiesImpl}'s shard activities).
   */
  Result collect(StageRun run, LanguageModel policy, Judge judge, String judgeSha, List<String> prompts)
      throws IOException {
    List<Judge.Comparison> comparisons = comparisons(policy, prompts);
    run.heartbeat(0, step -> partial(run, List.of(), step));
    List<List<Integer>> batches = Judge.batches(comparisons, spec.preferences().ai().batchSize());
    int shards = shardCount(spec, batches.size());
    Judge.Verdict[] verdicts = new Judge.Verdict[comparisons.size()];
    long t0 = System.nanoTime();
    for (int s = 0; s < shards; s++) {
      for (List<Integer> batch : shard(batches, s, shards)) {
        List<Judge.Verdict> v = judge.judgeBatch(batch.stream().map(comparisons::get).toList());
        for (int j = 0; j < batch.size(); j++) {
          verdicts[batch.get(j)] = v.get(j);
        }
      }
      List<PreferencePair> soFar = pairs(comparisons, Arrays.asList(verdicts), judgeSha);
      run.metric("collect/pairs_so_far", soFar.size(), s + 1);
      run.heartbeat(s + 1, step -> partial(run, soFar, step));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    run.metric("collect/judge_padding_waste", judge.paddingWaste(), 0);
    List<Judge.Verdict> all = List.of(verdicts);
    return new Result(pairs(comparisons, all, judgeSha), metrics(task, comparisons, all, seconds));
  }

  /** Every pair of distinct responses among K samples per prompt, each with its drawn principle. */
  List<Judge.Comparison> comparisons(LanguageModel policy, List<String> prompts) {
    return comparisons(sample(policy, prompts));
  }

  /** Shards actually used: no more than there are batches, and at least one. */
  static int shardCount(ExperimentSpec spec, int batches) {
    return Math.max(1, Math.min(spec.preferences().ai().shards(), batches));
  }

  /** The {@code s}-th of {@code n} contiguous, near-equal slices: what one labelling activity gets. */
  static <T> List<T> shard(List<T> items, int s, int n) {
    int from = (int) ((long) items.size() * s / n);
    int to = (int) ((long) items.size() * (s + 1) / n);
    return items.subList(from, to);
  }

  /** The stage's {@code collect/ai/*} metrics; {@code seconds} is the labelling wall time. */
  static Map<String, Double> metrics(Task task, List<Judge.Comparison> comparisons, List<Judge.Verdict> verdicts,
      double seconds) {
    Map<String, Double> metrics = JudgeMetrics.of(task, comparisons, verdicts);
    metrics.put("collect/ai/comparisons_per_s", comparisons.size() / Math.max(seconds, 1e-9));
    return metrics;
  }

  /** The judged pairs in comparison order; comparisons without a verdict yet are left out. */
  static List<PreferencePair> pairs(List<Judge.Comparison> comparisons, List<Judge.Verdict> verdicts, String judgeSha) {
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < comparisons.size(); i++) {
      if (verdicts.get(i) != null) {
        out.add(pair(comparisons.get(i), verdicts.get(i), judgeSha));
      }
    }
    return out;
  }

  /** K responses for each prompt, sampled as the simulated labeller's are. */
  private Map<String, List<String>> sample(LanguageModel lm, List<String> prompts) {
    int k = spec.preferences().responsesPerPrompt();
    GenerationConfig cfg =
        PromptBatches.config(lm.tokenizer(), spec.preferences().temperature(), spec.preferences().maxNewTokens());
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<List<String>> batches =
        PromptBatches.chunks(PromptBatches.byLength(lm.tokenizer(), prompts), PromptBatches.promptsPerBatch(k));
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
