package org.rlhfflow.activities.human;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.collect.PromptBatches;
import org.rlhfflow.activities.human.LabelItems.Item;
import org.rlhfflow.activities.human.LabelItems.Response;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.Prompt;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.Task;

/**
 * Samples K responses per prompt from the policy with the collect stage's sampling settings
 * (preferences.temperature and max_new_tokens, and the simulated labeller's seeds, so both see the
 * same responses) and stores them with their
 * token ids, one content-addressed items file per batch of preferences.human.items_per_batch.
 */
final class HumanItemSampler {
  private final ExperimentSpec spec;
  private final int k;

  HumanItemSampler(ExperimentSpec spec) {
    this.spec = spec;
    this.k = spec.preferences().responsesPerPrompt();
  }

  static String output(int batch) {
    return "items/" + batch;
  }

  StageResult sample(StageRun run, LanguageModel lm) throws IOException {
    List<String> prompts = prompts();
    GenerationConfig cfg = PromptBatches.config(lm.tokenizer(), spec.preferences().temperature(),
        spec.preferences().maxNewTokens());
    List<Item> items = new ArrayList<>();
    List<List<String>> chunks = PromptBatches.chunks(prompts, PromptBatches.promptsPerBatch(k));
    for (int c = 0; c < chunks.size(); c++) {
      List<String> chunk = chunks.get(c);
      Generation g = PromptBatches.sample(lm, chunk, k, cfg, Seeds.derive(spec.seed(), "collect", c));
      for (int p = 0; p < chunk.size(); p++) {
        List<Response> responses = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          int[] ids = g.response(p * k + j);
          responses.add(new Response(lm.tokenizer().decode(ids), ids));
        }
        items.add(new Item(LabelItems.itemId(items.size()), chunk.get(p), g.prompt(p * k), responses));
      }
      run.heartbeat(c, step -> run.workDir("partial-" + step));
    }
    Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
    int per = spec.preferences().human().itemsPerBatch();
    List<List<Item>> batches = PromptBatches.chunks(items, per);
    for (int b = 0; b < batches.size(); b++) {
      Path file = run.workDir("out").resolve("items-" + b + ".json");
      new LabelItems(k, batches.get(b)).write(file);
      outputs.put(output(b), run.services().store().put(file));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("collect/prompts", (double) prompts.size());
    metrics.put("collect/items", (double) items.size());
    metrics.put("collect/batches", (double) batches.size());
    metrics.forEach((key, v) -> run.metric(key, v, 0));
    return run.complete(outputs, metrics);
  }

  /** The task's train prompts, or the first preferences.prompts of data.prompt_dataset. */
  private List<String> prompts() {
    int n = spec.preferences().prompts();
    if (spec.data().promptDataset() == null) {
      return Task.named(spec.task().name()).prompts("train", n, Seeds.derive(spec.seed(), "collect", "prompts"));
    }
    List<String> all = Datasets.prompts(Path.of(spec.data().promptDataset())).stream().map(Prompt::prompt).toList();
    return all.subList(0, Math.min(n, all.size()));
  }
}
