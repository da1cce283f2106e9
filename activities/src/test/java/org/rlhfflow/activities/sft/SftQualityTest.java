package org.rlhfflow.activities.sft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.tokenizer.Tokenizer;
import org.rlhfflow.tasks.DigitsTask;
import org.rlhfflow.tasks.Task;

/** SFT on clean digits demonstrations teaches a NANO model the task: the oracle says so. */
class SftQualityTest {
  static final String YAML = """
      name: sft-quality
      seed: 1
      model:
        preset: %s
        block_size: 32
      task:
        train_prompts: 512
        demo_noise: 0.0
      sft:
        learning_rate: 0.003
        epochs: 4
        batch_size: 32
        warmup_steps: 8
        checkpoint_every: 1000
      """.formatted(System.getProperty("sft.quality.preset", "nano"));

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1); // 2 intra-op threads on the shared 2-core machine ran ~30x slower (OpenMP oversubscription)
  }

  @Test
  void greedyCompletionsOfHeldoutPromptsScoreWellByTheOracle() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageServices services = StageFixture.services(tmp, tracker);
    long t0 = System.nanoTime();
    StageResult r = new SftActivitiesImpl(services).sft(new SftInput(StageFixture.context(YAML), null, null)).run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    Path dir = services.store().getDirectory(r.output("checkpoint"), tmp.resolve("ckpt"));
    try (LanguageModel lm = LanguageModel.load(dir)) {
      Task task = new DigitsTask();
      List<String> prompts = task.prompts("heldout", 64, 1);
      double score = meanOracleScore(lm, task, prompts);
      System.out.printf("SFT quality (%s): %d steps in %.1f s (%.0f ms/step), final loss %.4f, held-out oracle %.3f%n", cfgName(),
          r.metrics().get("sft/steps").intValue(), seconds, 1000 * seconds / r.metrics().get("sft/steps"),
          r.metrics().get("sft/final_loss"), score);
      assertTrue(score > 0.8, "mean oracle score of greedy completions: " + score);
    }
  }

  private static String cfgName() {
    return System.getProperty("sft.quality.preset", "nano") + ", batch 32";
  }

  /** Greedy completion of each {@code [BOS] prompt}, scored by the task's oracle. */
  static double meanOracleScore(LanguageModel lm, Task task, List<String> prompts) {
    Tokenizer tok = lm.tokenizer();
    int[][] ids = new int[prompts.size()][];
    for (int i = 0; i < ids.length; i++) {
      int[] p = tok.encode(prompts.get(i));
      ids[i] = new int[p.length + 1];
      ids[i][0] = tok.bosId();
      System.arraycopy(p, 0, ids[i], 1, p.length);
    }
    Generation g;
    try (NoGrad ng = NoGrad.enter()) {
      g = new Generator(lm.gpt()).generate(ids, GenerationConfig.greedy(task.maxResponseTokens(), tok), 0);
    }
    double sum = 0;
    for (int i = 0; i < ids.length; i++) {
      sum += task.oracleScore(prompts.get(i), tok.decode(g.response(i)));
    }
    return sum / ids.length;
  }
}
