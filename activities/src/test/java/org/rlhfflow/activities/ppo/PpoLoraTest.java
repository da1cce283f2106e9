package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.spec.ExperimentSpec;

/** PPO with {@code model.lora}: adapters only in checkpoints, the reference is the policy with them off. */
class PpoLoraTest {
  static final String LORA_YAML = PpoFixture.BASE_YAML.replace("  preset: nano",
      "  preset: nano\n  lora:\n    rank: 4\n    alpha: 8\n    targets: [c_attn, c_fc]");

  @TempDir Path tmp;

  @Test
  void trainsOnlyTheAdaptersOnTheStoredSftAndResumesBitExactly() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec(LORA_YAML);
    PpoInput in = f.input(spec, List.of("ppo"), 20);
    PpoActivitiesImpl impl = new PpoActivitiesImpl(f.services);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult first = impl.execute(in, run -> Optional.empty(), checkpoints::add).run();

    Path out = f.services.store().getDirectory(first.output("checkpoint"), tmp.resolve("out"));
    LoraCheckpoint adapters = LoraCheckpoint.read(out).orElseThrow();
    assertEquals(in.sftModel().sha256(), adapters.base().sha256()); // the SFT artifact is the base, not copied
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> stored = Safetensors.read(out.resolve(Checkpoint.WEIGHTS), m);
      List<String> weights = stored.keySet().stream().filter(k -> !k.startsWith("optim.")).toList(); // + AdamW's
      assertEquals(2 * 2 * 2, weights.size(), weights.toString()); // (c_attn, c_fc) x 2 layers x (A, B)
      assertTrue(weights.stream().allMatch(k -> k.contains(".lora_")), weights.toString());
    }
    assertTrue(Files.size(out.resolve(Checkpoint.WEIGHTS)) < Files.size(tmp.resolve("sft").resolve(Checkpoint.WEIGHTS)) / 4);
    Path merged = f.services.store().getDirectory(first.output("merged"), tmp.resolve("merged"));
    assertTrue(LoraCheckpoint.read(merged).isEmpty()); // the deployable policy: adapters merged in
    LanguageModel.load(merged).close();

    // Killed after iteration 1 and retried from its checkpoint: the same adapters, critic and curve.
    assertEquals(List.of(1L, 2L), checkpoints.stream().map(Progress::step).toList());
    StageResult resumed = impl.execute(in, run -> Optional.of(checkpoints.get(0)), p -> {}).run();
    assertEquals(first.output("checkpoint"), resumed.output("checkpoint"));
    assertEquals(first.output("critic"), resumed.output("critic"));
    assertEquals(first.output("curve"), resumed.output("curve"));
  }

  @Test
  void theReferenceIsThePolicyWithItsAdaptersOff() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec(LORA_YAML);
    f.input(spec, List.of("ppo"), 20); // writes tmp/sft and tmp/rm
    LanguageModel policy = LanguageModel.load(tmp.resolve("sft"));
    policy.attachLora(spec.model().lora().config(), 1, new LoraCheckpoint.Base("sha256/x", "x"));
    try (PpoModels models = PpoModels.open(policy, tmp.resolve("sft"), tmp.resolve("rm"), spec, null);
        LanguageModel sft = LanguageModel.load(tmp.resolve("sft"));
        NDManager m = policy.manager().newSubManager()) {
      assertNull(models.reference); // no second copy of the weights
      assertSame(policy, models.reference(r -> r));
      assertEquals(8, policy.parameters().size()); // what AdamW holds: the adapters alone
      Map<String, NDArray> base = policy.weights();
      for (NDArray b : policy.lora().weights().values()) { // make the adapters change the policy
        if (b.getShape().get(1) == 4) {
          b.set(b.getManager().randomUniform(-0.5f, 0.5f, b.getShape()).toByteBuffer());
        }
      }
      NDArray ids = m.create(new int[][] {{1, 50, 51, 52, 61, 62}});
      NDArray mask = m.ones(ids.getShape());
      float[] ref = models.reference(r -> r.logits(ids, mask).toFloatArray());
      assertArrayEquals(sft.logits(ids, mask).toFloatArray(), ref); // the SFT model, bit for bit
      assertTrue(!java.util.Arrays.equals(ref, policy.logits(ids, mask).toFloatArray()), "adapters do nothing");
      policy.weights().forEach((k, a) -> assertSame(base.get(k), a, k)); // the same arrays throughout
    }
  }
}
