package org.rlhfflow.activities.grpo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.Prompt;
import org.rlhfflow.activities.train.PromptSampling;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.tokenizer.Tokenizer;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.tasks.Task;

/**
 * The prompts a group method samples on: {@code data.prompt_dataset} when set, else the task's
 * train prompts. Each iteration's prompts are drawn from (seed, stage, "prompts", iteration) alone,
 * without replacement, so a resumed run draws the same ones with no sampler state to save.
 *
 * @param task the task, whose oracle scores (and, as a verifier, rewards) responses; null for a
 *     prompt dataset
 * @param digest sha256 of the prompt dataset file (part of the cache key), or "task"
 */
record GroupPrompts(List<String> prompts, Task task, String digest) {

  static GroupPrompts of(ExperimentSpec spec) throws IOException {
    String file = spec.data().promptDataset();
    if (file == null) {
      Task task = Task.named(spec.task().name());
      return new GroupPrompts(task.prompts("train", spec.task().trainPrompts(), spec.seed()), task, "task");
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new StageFailures.ValidationException("data.prompt_dataset: " + path + " is not a file");
    }
    List<String> prompts = Datasets.prompts(path).stream().map(Prompt::prompt).toList();
    if (prompts.isEmpty()) {
      throw new StageFailures.ValidationException("data.prompt_dataset: " + path + " has no prompts");
    }
    return new GroupPrompts(prompts, null, Sha256.of(path).hex());
  }

  /** Fails, naming the prompt and the keys, if [BOS] prompt + max_new_tokens exceeds the context. */
  void checkFits(Tokenizer tok, int blockSize, int maxNewTokens, String stage) {
    for (int i = 0; i < prompts.size(); i++) {
      int len = 1 + org.rlhfflow.activities.train.Sequences.promptIds(tok, prompts.get(i)).length;
      if (len + maxNewTokens > blockSize) {
        throw new StageFailures.ValidationException("prompt " + i + " (" + len + " tokens with BOS) + " + stage
            + ".max_new_tokens " + maxNewTokens + " exceeds model.block_size " + blockSize);
      }
    }
  }

  /** {@code n} prompts for {@code iteration}: a uniform sample without replacement when there are enough. */
  List<String> batch(long seed, String stage, long iteration, int n) {
    return PromptSampling.sample(prompts, new SplittableRandom(Seeds.derive(seed, stage, "prompts", iteration)), n);
  }
}
