package org.rlhfflow.activities.rm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.tracking.DatasetInput;

/**
 * The preference pairs a reward model trains on, with the digest that goes into its cache key: the
 * input artifact (the collect stage's output), else the spec's {@code data.preference_dataset} read
 * in {@code preferences.dataset_format} (an RM-only experiment on imported pairs). DPO reads it too.
 *
 * @param input the pairs as a tracking dataset input (digest, source, schema, rows)
 */
public record PreferenceData(List<PreferencePair> pairs, String sha256, DatasetInput input) {

  public static PreferenceData resolve(StageServices services, ExperimentSpec spec, ArtifactRef input) throws IOException {
    Path dir = services.scratch().resolve("rm-data");
    Files.createDirectories(dir);
    if (input != null) {
      Path file = services.store().get(input, dir.resolve(input.sha256() + ".arrow"));
      return new PreferenceData(checked(ArrowDatasets.readPreferences(file), "preferences " + input.uri()),
          input.sha256(), ArrowDatasets.input("preferences", input, file, "training"));
    }
    String name = spec.data().preferenceDataset();
    if (name == null) {
      throw new StageFailures.ValidationException(
          "reward_model needs preference pairs: no preferences input and data.preference_dataset is not set");
    }
    Path source = Path.of(name);
    if (!Files.isRegularFile(source)) {
      throw new StageFailures.ValidationException(
          "data.preference_dataset: file not found: " + source.toAbsolutePath());
    }
    List<PreferencePair> pairs =
        checked(Datasets.preferences(source, spec.preferences().datasetFormat()), "data.preference_dataset " + source);
    Path tmp = Files.createTempFile(dir, "preferences-", ".arrow"); // the digest of what is trained on
    ArrowDatasets.writePreferences(tmp, pairs);
    String sha = Sha256.of(tmp).hex();
    DatasetInput logged = ArrowDatasets.input("preferences", sha, source.toAbsolutePath().toUri().toString(), tmp,
        "training");
    Files.delete(tmp);
    return new PreferenceData(pairs, sha, logged);
  }

  /**
   * The pairs of several iterated-RLHF rounds, oldest first, as one training set. Its digest hashes
   * the parts' digests in order, so each round's RM has its own cache key; the tracked dataset input
   * is the newest round's, with the total row count.
   */
  public static PreferenceData concat(List<PreferenceData> parts) {
    List<PreferencePair> pairs = new java.util.ArrayList<>();
    java.security.MessageDigest digest = Sha256.newDigest();
    for (PreferenceData part : parts) {
      pairs.addAll(part.pairs());
      digest.update((part.sha256() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    DatasetInput last = parts.get(parts.size() - 1).input();
    DatasetInput input = new DatasetInput(last.name(), last.digest(), last.source(), last.schema(), pairs.size(),
        last.context());
    return new PreferenceData(List.copyOf(pairs), Sha256.hex(digest.digest()), input);
  }

  private static List<PreferencePair> checked(List<PreferencePair> pairs, String what) {
    if (pairs.size() < 2) {
      throw new StageFailures.ValidationException(what + " has " + pairs.size() + " preference pairs; need at least 2");
    }
    return pairs;
  }
}
