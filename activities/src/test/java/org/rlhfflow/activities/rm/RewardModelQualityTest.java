package org.rlhfflow.activities.rm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.store.ArtifactRef;

/** On oracle-labelled digits pairs the reward model learns the hidden preference for unseen prompts. */
class RewardModelQualityTest {
  static final String YAML = """
      name: rm-quality
      seed: 2
      model:
        preset: nano
        block_size: 32
      reward_model:
        learning_rate: %s
        epochs: %s
        batch_size: 32
        heldout_fraction: 0.2
        checkpoint_every: 1000
      """.formatted(System.getProperty("rm.quality.lr", "0.001"), System.getProperty("rm.quality.epochs", "3"));

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  @Test
  void heldoutOracleAccuracyIsWellAboveChance() throws IOException {
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    ArtifactRef prefs = RewardModelActivitiesImplTest.storePairs(services, tmp.resolve("in"),
        RewardModelActivitiesImplTest.digitsPairs(256, 21));
    long t0 = System.nanoTime();
    StageResult r = new RewardModelActivitiesImpl(services)
        .trainRewardModel(new RewardModelInput(StageFixture.context(YAML), null, prefs)).run();
    double oracle = r.metrics().get("rm/heldout_oracle_accuracy");
    System.out.printf("RM quality: %.0f steps in %.1f s, final loss %.4f, held-out accuracy %.3f, oracle %.3f on %.0f pairs%n",
        r.metrics().get("rm/steps"), (System.nanoTime() - t0) / 1e9, r.metrics().get("rm/final_loss"),
        r.metrics().get("rm/heldout_accuracy"), oracle, r.metrics().get("rm/heldout_oracle_pairs"));
    assertTrue(oracle > 0.75, "rm/heldout_oracle_accuracy " + oracle);
  }
}
