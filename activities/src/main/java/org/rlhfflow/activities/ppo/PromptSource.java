package org.rlhfflow.activities.ppo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.Prompt;
import org.rlhfflow.activities.train.PromptSampling;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.tokenizer.Tokenizer;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.tasks.Task;

/**
 * The prompts PPO rolls out on: {@code data.prompt_dataset} when set, else the task's train
 * prompts. Each iteration's batch is drawn from (seed, "ppo", "prompts", iteration) alone, so a
 * resumed run draws the same batches without any sampler state in the checkpoint.
 *
 * @param oracle the task that scores responses for logging, or null for a prompt dataset (its
 *     prompts need not be the task's, so no oracle applies)
 * @param digest sha256 of the prompt dataset file (part of the cache key), or "task"
 */
record PromptSource(List<String> prompts, Task oracle, String digest) {

  static PromptSource of(StageRun run) throws IOException {
    ExperimentSpec spec = run.spec();
    if (spec.data().promptDataset() == null) {
      Task task = Task.named(spec.task().name());
      return new PromptSource(task.prompts("train", spec.task().trainPrompts(), spec.seed()), task, "task");
    }
    Path path = run.file("data.prompt_dataset");
    List<String> prompts = Datasets.prompts(path).stream().map(Prompt::prompt).toList();
    if (prompts.isEmpty()) {
      throw new StageFailures.ValidationException("data.prompt_dataset: " + path + " has no prompts");
    }
    return new PromptSource(prompts, null, run.fileDigest("data.prompt_dataset"));
  }

  /** Fails, naming the prompt and fields, if [BOS] prompt + max_new_tokens exceeds the context. */
  void checkFits(Tokenizer tok, int blockSize, int maxNewTokens) {
    for (int i = 0; i < prompts.size(); i++) {
      int len = 1 + org.rlhfflow.activities.train.Sequences.promptIds(tok, prompts.get(i)).length;
      if (len + maxNewTokens > blockSize) {
        throw new StageFailures.ValidationException("prompt " + i + " (" + len + " tokens with BOS"
            + (oracle == null ? ", data.prompt_dataset" : ", task " + oracle.name()) + ") + ppo.max_new_tokens "
            + maxNewTokens + " exceeds model.block_size " + blockSize);
      }
    }
  }

  /** {@code n} prompts for {@code iteration}: without replacement when there are enough. */
  List<String> batch(long seed, long iteration, int n) {
    return PromptSampling.sample(prompts, new SplittableRandom(Seeds.derive(seed, "ppo", "prompts", iteration)), n);
  }
}
