package org.rlhfflow.activities.rm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.tracking.DatasetInput;

/**
 * The separate test split of {@code data.preference_test_dataset}: pairs the reward model never
 * trains on, from a file of their own (HH-RLHF and most Hub datasets ship train and test files
 * apart). Reported as {@code rm/test_*} beside the held-out split, which is carved out of the
 * training file and so shares its distribution; a test file may not (Ouyang et al. 2022 report
 * RM accuracy on held-out labellers for this reason). Its digest is in the stage's cache key
 * through the registry's {@code optFiles}.
 *
 * @param input the file as a tracking dataset input (context "evaluation")
 * @param promptsSeenInTraining test pairs whose prompt is also a training prompt: nonzero means
 *     the split leaks, and the figures overstate generalisation
 */
record PreferenceTestSplit(List<PreferencePair> pairs, DatasetInput input, int promptsSeenInTraining) {
  static final String SPEC_KEY = "data.preference_test_dataset";

  /** Null when the spec names no test split. */
  static PreferenceTestSplit read(StageRun run, List<PreferencePair> train) throws IOException {
    if (run.spec().data().preferenceTestDataset() == null) {
      return null;
    }
    Path file = run.file(SPEC_KEY); // fails naming the key when it is not a file
    List<PreferencePair> pairs = Datasets.isArrow(file) ? ArrowDatasets.readPreferences(file)
        : Datasets.preferences(file, run.spec().preferences().datasetFormat());
    if (pairs.isEmpty()) {
      throw new StageFailures.ValidationException(SPEC_KEY + " " + file + " has no preference pairs");
    }
    Set<String> trainPrompts = new HashSet<>();
    train.forEach(p -> trainPrompts.add(p.prompt()));
    int seen = (int) pairs.stream().filter(p -> trainPrompts.contains(p.prompt())).count();
    DatasetInput input = Datasets.isArrow(file)
        ? ArrowDatasets.input("preferences-test", run.fileDigest(SPEC_KEY), file.toAbsolutePath().toUri().toString(),
            file, "evaluation")
        : asArrow(run, file, pairs);
    return new PreferenceTestSplit(pairs, input, seen);
  }

  /** A JSONL test file is profiled as the Arrow table it parses to, like the training file. */
  private static DatasetInput asArrow(StageRun run, Path file, List<PreferencePair> pairs) throws IOException {
    Path tmp = Files.createTempFile(run.workDir("test-split"), "preferences-test-", ".arrow");
    try {
      ArrowDatasets.writePreferences(tmp, pairs);
      return ArrowDatasets.input("preferences-test", run.fileDigest(SPEC_KEY),
          file.toAbsolutePath().toUri().toString(), tmp, "evaluation");
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
