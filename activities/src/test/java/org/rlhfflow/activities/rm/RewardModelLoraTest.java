package org.rlhfflow.activities.rm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.StageFixtures;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.store.ArtifactRef;

/** The reward model with {@code model.lora}: adapters and head train on the stored SFT model, resume is exact. */
class RewardModelLoraTest {
  static final String YAML = RewardModelActivitiesImplTest.YAML.replace("  block_size: 32\n",
      "  block_size: 32\n  lora:\n    rank: 4\n    alpha: 8\n    targets: [c_attn, c_proj]\n");

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  @Test
  void checkpointsHoldAdaptersAndHeadOnTheSftBaseAndResumeBitIdentical() throws IOException {
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    ArtifactRef prefs = RewardModelActivitiesImplTest.storePairs(services, tmp.resolve("in"),
        RewardModelActivitiesImplTest.digitsPairs(24, 11));
    ArtifactRef sft = StageFixtures.nanoPolicy(services, tmp, 3);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = new RewardModelActivitiesImpl(services).trainRewardModel(
        new RewardModelInput(StageFixture.context(YAML), sft, prefs), new Hooks(Optional.empty(), checkpoints::add)).run();

    Path dir = services.store().getDirectory(full.output("checkpoint"), tmp.resolve("rm"));
    assertEquals(sft.sha256(), LoraCheckpoint.read(dir).orElseThrow().base().sha256());
    try (NDManager m = NDManager.newBaseManager()) {
      List<String> keys = List.copyOf(Safetensors.read(dir.resolve(Checkpoint.WEIGHTS), m).keySet());
      // c_attn, attn.c_proj and mlp.c_proj in 2 layers x (A, B), plus the new head (weight, bias)
      assertEquals(3 * 2 * 2 + 2, keys.size(), keys.toString());
      assertTrue(keys.stream().allMatch(k -> k.contains(".lora_") || k.startsWith("head.")), keys.toString());
    }
    try (ScalarHeadModel rm = ScalarHeadModel.load(dir, b -> services.store().getDirectory(
            new ArtifactRef(b.uri(), b.sha256(), 0), tmp.resolve("base")));
        NDManager m = rm.manager().newSubManager()) {
      assertEquals(ScalarHeadModel.Kind.REWARD, rm.kind());
      NDArray ids = m.create(new int[][] {{1, 50, 51, 61, 62}});
      NDArray r = rm.rewards(ids, m.ones(ids.getShape()));
      assertTrue(Float.isFinite(r.getFloat(0)));
      float[] merged = rm.mergedTrunkWeights(m).get("h.0.attn.c_attn.weight").toFloatArray();
      rm.lora().setEnabled(false);
      assertTrue(!java.util.Arrays.equals(merged, rm.trunk().namedParameters().get("h.0.attn.c_attn.weight")
          .getArray().toFloatArray()), "the adapters trained");
    }

    Progress p = checkpoints.get(0);
    StageResult resumed = new RewardModelActivitiesImpl(services).trainRewardModel(
        new RewardModelInput(StageFixture.context(YAML, RewardModelStage.NAME), sft, prefs),
        new Hooks(Optional.of(new Progress(p.step() + 1, p.checkpoint())), x -> {})).run();
    assertEquals(full.output("checkpoint").sha256(), resumed.output("checkpoint").sha256());
    assertArrayEquals(new double[] {full.metrics().get("rm/final_loss")},
        new double[] {resumed.metrics().get("rm/final_loss")});
  }
}
