package org.rlhfflow.activities.ppo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.rlhfflow.activities.Models;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.tasks.Task;

/**
 * {@code rlhf bench ppo}: where a PPO iteration's time goes at an experiment's settings, split as
 * the trainer logs it ({@code timing/generate_s}, {@code timing/score_s}, {@code timing/update_s}):
 * sampling the rollout, scoring it once under no-grad (policy and reference log-probs, values,
 * reward-model scores, GAE), and the {@code ppo_epochs} x minibatch optimizer steps.
 *
 * <p>The models are the experiment's shapes, freshly initialised (the base model as the SFT
 * policy, a reward model on its trunk): no pretraining or SFT first. Timing does not depend on
 * the weights except through response lengths, which random weights keep near {@code
 * ppo.max_new_tokens}; a trained policy stops earlier, so real iterations sample somewhat less.
 */
public final class PpoBench {
  private PpoBench() {}

  /** One iteration's seconds by phase. */
  public record Iteration(double generateS, double scoreS, double updateS) {
    public double totalS() {
      return generateS + scoreS + updateS;
    }
  }

  /** The phases' medians over the timed iterations, and every iteration. */
  public record Result(String experiment, int warmup, List<Iteration> iterations, double generateS,
      double scoreS, double updateS, double totalS, int rolloutBatch, int minibatch, int ppoEpochs,
      int maxNewTokens) {}

  /** Runs {@code warmup} untimed and then {@code iterations} timed PPO iterations of {@code spec}. */
  public static Result run(ExperimentSpec spec, int warmup, int iterations, Consumer<String> progress)
      throws IOException {
    Path tmp = Files.createTempDirectory("rlhf-bench-ppo");
    try {
      try (LanguageModel base = Models.base(spec);
          ScalarHeadModel rm = ScalarHeadModel.fromLanguageModel(
              ScalarHeadModel.Kind.REWARD, base, Seeds.derive(spec.seed(), "bench", "rm"))) {
        base.save(tmp.resolve("sft"), 0, "", null, Map.of());
        rm.save(tmp.resolve("rm"), 0, "", null, Map.of());
      }
      Task task = Task.named(spec.task().name());
      PromptSource prompts =
          new PromptSource(task.prompts("train", spec.task().trainPrompts(), spec.seed()), task, "task");
      List<Iteration> timed = new ArrayList<>();
      try (PpoModels models = PpoModels.open(tmp.resolve("sft"), tmp.resolve("rm"), spec)) {
        RolloutCollector collector = new RolloutCollector(models, spec.ppo());
        PpoUpdater updater = new PpoUpdater(models, spec.ppo(), spec.seed());
        for (int i = 0; i < warmup + iterations; i++) {
          Rollout rollout = collector.collect(prompts.batch(spec.seed(), i, spec.ppo().rolloutBatchSize()),
              Seeds.derive(spec.seed(), "ppo", "gen", i), prompts.oracle());
          long t0 = System.nanoTime();
          updater.update(rollout, i);
          models.kl.update(rollout.stats().kl(), spec.ppo().rolloutBatchSize());
          Iteration it = new Iteration(collector.lastGenerateS(), collector.lastScoreS(),
              (System.nanoTime() - t0) / 1e9);
          progress.accept(String.format(java.util.Locale.ROOT,
              "%s %d/%d: generate %.2f s, score %.2f s, update %.2f s",
              i < warmup ? "warm-up" : "iteration", i < warmup ? i + 1 : i - warmup + 1,
              i < warmup ? warmup : iterations, it.generateS(), it.scoreS(), it.updateS()));
          if (i >= warmup) {
            timed.add(it);
          }
        }
      }
      var ppo = spec.ppo();
      return new Result(spec.name(), warmup, timed, median(timed, Iteration::generateS),
          median(timed, Iteration::scoreS), median(timed, Iteration::updateS),
          median(timed, Iteration::totalS), ppo.rolloutBatchSize(), ppo.minibatchSize(), ppo.ppoEpochs(),
          ppo.maxNewTokens());
    } finally {
      deleteTree(tmp);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static double median(List<Iteration> xs, java.util.function.ToDoubleFunction<Iteration> f) {
    double[] v = xs.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
