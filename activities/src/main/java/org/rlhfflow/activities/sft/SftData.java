package org.rlhfflow.activities.sft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.TaskSpec;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.tasks.Task;

/**
 * The SFT pairs a run trains on, as an Arrow file whose digest is part of the stage's cache key:
 * the input artifact if one is given, else the spec's {@code data.sft_dataset}, else the task's
 * demonstrations (Ouyang et al. 2022, step 1, with a simulated labeller).
 *
 * @param pairs the examples, in file order
 * @param file the Arrow file holding them
 * @param sha256 the file's digest
 * @param stored the file's artifact if it is already in the store (the input), else null
 */
record SftData(List<SftPair> pairs, Path file, String sha256, ArtifactRef stored) {

  static SftData resolve(StageServices services, ExperimentSpec spec, ArtifactRef input) throws IOException {
    Path dir = services.scratch().resolve("sft-data");
    Files.createDirectories(dir);
    if (input != null) {
      Path file = services.store().get(input, dir.resolve(input.sha256() + ".arrow"));
      return new SftData(checked(ArrowDatasets.readSftPairs(file), "input dataset " + input.uri()), file,
          input.sha256(), input);
    }
    List<SftPair> pairs;
    String what;
    if (spec.data().sftDataset() != null) {
      Path source = Path.of(spec.data().sftDataset());
      if (!Files.isRegularFile(source)) {
        throw new StageFailures.ValidationException("data.sft_dataset: file not found: " + source.toAbsolutePath());
      }
      pairs = Datasets.sftPairs(source);
      what = "data.sft_dataset " + source;
    } else {
      pairs = demonstrations(spec);
      what = "task " + spec.task().name();
    }
    Path tmp = Files.createTempFile(dir, "sft-", ".arrow");
    ArrowDatasets.writeSftPairs(tmp, checked(pairs, what));
    String sha = Sha256.of(tmp).hex();
    Path file = Files.move(tmp, dir.resolve(sha + ".arrow"), StandardCopyOption.REPLACE_EXISTING);
    return new SftData(pairs, file, sha, null);
  }

  /**
   * {@code demos_per_prompt} noisy demonstrations for each of the task's train prompts. The
   * prompts come from (seed) as every stage draws them; the noise from (seed, "sft", "demos").
   */
  static List<SftPair> demonstrations(ExperimentSpec spec) {
    TaskSpec t = spec.task();
    Task task = Task.named(t.name());
    SplittableRandom rng = new SplittableRandom(Seeds.derive(spec.seed(), "sft", "demos"));
    List<SftPair> pairs = new ArrayList<>();
    for (String prompt : task.prompts("train", t.trainPrompts(), spec.seed())) {
      for (int d = 0; d < t.demosPerPrompt(); d++) {
        pairs.add(new SftPair(prompt, task.demonstration(prompt, t.demoNoise(), rng)));
      }
    }
    return pairs;
  }

  private static List<SftPair> checked(List<SftPair> pairs, String what) {
    if (pairs.isEmpty()) {
      throw new StageFailures.ValidationException(what + " has no SFT pairs");
    }
    return pairs;
  }
}
