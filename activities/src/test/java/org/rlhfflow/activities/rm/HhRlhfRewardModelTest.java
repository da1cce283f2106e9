package org.rlhfflow.activities.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.data.ImportOptions;
import org.rlhfflow.data.PreferenceImporter;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;

/**
 * experiments/hh-rlhf-rm.yaml on the first 320 real HH-RLHF harmless-base test pairs (RM-only, from
 * the spec's base model). Asserts the run completes and reports a finite held-out accuracy; the
 * value itself is printed, not asserted: a byte-level model from scratch may well sit at chance.
 */
class HhRlhfRewardModelTest {
  static final int PAIRS = 320;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private static Path repoRoot() {
    return Path.of(System.getProperty("rlhf.repo.root", ".."));
  }

  private static Path dataset() {
    // ../shared/data next to the repo; RLHF_SHARED_DATA overrides it (e.g. from a git worktree).
    String shared = System.getenv().getOrDefault("RLHF_SHARED_DATA", repoRoot().resolve("../shared/data").toString());
    Path file = Path.of(shared, "hh-rlhf-harmless-base/test.jsonl.gz").normalize();
    assumeTrue(Files.exists(file), "HH-RLHF test split not found at " + file + " (set RLHF_SHARED_DATA)");
    return file;
  }

  @Test
  void trainsOnRealPairsAndReportsHeldoutAccuracy() throws IOException {
    List<PreferencePair> pairs = PreferenceImporter.read(dataset(), ImportOptions.hh()).pairs().subList(0, PAIRS);
    ExperimentSpec spec = SpecLoader.load(repoRoot().resolve("experiments/hh-rlhf-rm.yaml"));
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageServices services = StageFixture.services(tmp, tracker);
    ArtifactRef prefs = RewardModelActivitiesImplTest.storePairs(services, tmp.resolve("in"), pairs);

    long t0 = System.nanoTime();
    StageResult r = new RewardModelActivitiesImpl(services)
        .trainRewardModel(new RewardModelInput(StageFixture.context(spec), null, prefs)).run();
    double seconds = (System.nanoTime() - t0) / 1e9;

    double accuracy = r.metrics().get("rm/heldout_accuracy");
    System.out.printf("HH-RLHF RM (%s, block %d): %d train / %.0f held-out pairs, %.0f steps in %.1f s, "
            + "final loss %.4f, rm/heldout_accuracy %.3f%n", spec.model().preset(), spec.model().blockSize(),
        r.metrics().get("rm/train_pairs").intValue(), r.metrics().get("rm/heldout_pairs"), r.metrics().get("rm/steps"),
        seconds, r.metrics().get("rm/final_loss"), accuracy);
    assertTrue(Double.isFinite(accuracy) && accuracy >= 0 && accuracy <= 1, "rm/heldout_accuracy " + accuracy);
    assertEquals(64.0, r.metrics().get("rm/heldout_pairs"), "floor(320 * 0.2), whole prompts");
    assertTrue(tracker.points("rm/loss").stream().allMatch(p -> Double.isFinite(p.value())));
    assertTrue(!r.metrics().containsKey("rm/heldout_oracle_accuracy"), "no oracle for dataset preferences");
  }
}
