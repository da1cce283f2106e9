package org.rlhfflow.activities.dpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.StageFixtures;
import org.rlhfflow.activities.sft.SftActivitiesImpl;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.store.ArtifactRef;

/** SFT and DPO with {@code model.lora}: adapter checkpoints on stored bases, adapters-off reference, resume. */
class DpoLoraTest {
  static final String LORA = "  lora:\n    rank: 4\n    alpha: 8\n    targets: [c_attn, c_fc]\n";
  static final String YAML = DpoActivitiesImplTest.YAML.replace("  block_size: 32\n", "  block_size: 32\n" + LORA);

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private StageServices services;
  private ArtifactRef prefs;

  private void setup() throws IOException {
    services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    Path file = Files.createDirectories(tmp.resolve("in")).resolve("prefs.arrow");
    ArrowDatasets.writePreferences(file, DpoActivitiesImplTest.digitsPairs(24, 11));
    prefs = services.store().put(file);
  }

  private StageResult dpo(String yaml, ArtifactRef sft, Hooks hooks, String... forced) {
    return new DpoActivitiesImpl(services).dpo(new DpoInput(StageFixture.context(yaml, forced), sft, prefs), hooks);
  }

  private Path fetch(ArtifactRef ref, String name) throws IOException {
    return services.store().getDirectory(ref, tmp.resolve("fetched").resolve(name));
  }

  private static List<String> weightKeys(Path dir) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      return Safetensors.read(dir.resolve(Checkpoint.WEIGHTS), m).keySet().stream()
          .filter(k -> !k.startsWith("optim.")).toList();
    }
  }

  @Test
  void theReferenceIsTheSftBaseAndResumingEndsBitIdentical() throws IOException {
    setup();
    ArtifactRef sft = StageFixtures.nanoPolicy(services, tmp, 3);
    StageResult full = dpo(DpoActivitiesImplTest.YAML, sft, Hooks.NONE);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult lora = dpo(YAML, sft, new Hooks(Optional.empty(), checkpoints::add));
    // With adapters off the policy is the SFT model bit for bit: the same reference log-probs as
    // the full fine-tuning run computed from a second copy (the cache key is the same model's).
    assertEquals(full.output("reference_logps"), lora.output("reference_logps"));
    Path out = fetch(lora.output("checkpoint"), "dpo");
    assertEquals(sft.sha256(), LoraCheckpoint.read(out).orElseThrow().base().sha256());
    assertEquals(8, weightKeys(out).size(), weightKeys(out).toString());
    assertTrue(weightKeys(out).stream().allMatch(k -> k.contains(".lora_")));

    assertEquals(List.of(5L, 10L), checkpoints.stream().map(Progress::step).toList());
    Progress heartbeat = new Progress(checkpoints.get(0).step() + 1, checkpoints.get(0).checkpoint());
    StageResult resumed = dpo(YAML, sft, new Hooks(Optional.of(heartbeat), x -> {}), DpoStage.NAME);
    assertEquals(lora.output("checkpoint").sha256(), resumed.output("checkpoint").sha256());
  }

  @Test
  void dpoAfterLoraSftFoldsTheSftAdaptersIntoItsBase() throws IOException {
    setup();
    String sftYaml = YAML.replace("method: dpo\n", "method: dpo\ntask:\n  train_prompts: 16\n")
        + "sft:\n  epochs: 1\n  batch_size: 8\n";
    ArtifactRef sft = new SftActivitiesImpl(services)
        .sft(new SftInput(StageFixture.context(sftYaml), null, null)).checkpoint();
    Path sftDir = fetch(sft, "sft");
    LoraCheckpoint sftAdapters = LoraCheckpoint.read(sftDir).orElseThrow();
    assertEquals(8, weightKeys(sftDir).size()); // only the adapters: the base is its own artifact
    assertTrue(Files.isDirectory(fetch(new ArtifactRef(sftAdapters.base().uri(), sftAdapters.base().sha256(), 0),
        "sft-base")));

    StageResult r = dpo(YAML, sft, Hooks.NONE);
    LoraCheckpoint dpoAdapters = LoraCheckpoint.read(fetch(r.output("checkpoint"), "dpo")).orElseThrow();
    assertNotEquals(sftAdapters.base(), dpoAdapters.base()); // SFT's adapters merged: a new base
    Path dpoBase = fetch(new ArtifactRef(dpoAdapters.base().uri(), dpoAdapters.base().sha256(), 0), "dpo-base");
    try (LanguageModel sftModel = LanguageModel.load(sftDir, b -> fetch(
            new ArtifactRef(b.uri(), b.sha256(), 0), "sft-base"));
        LanguageModel base = LanguageModel.load(dpoBase);
        NDManager m = sftModel.manager().newSubManager()) {
      Map<String, NDArray> merged = sftModel.mergedWeights(m);
      base.weights().forEach((k, w) -> assertArrayEquals(merged.get(k).toFloatArray(), w.toFloatArray(), k));
    }
    assertTrue(Double.isFinite(r.metrics().get("dpo/final_loss")));
    // The tuned policy merged, W + (alpha/r) B A: a plain checkpoint, equal to the adapters on their base.
    Path merged = fetch(r.output("merged"), "merged");
    assertTrue(LoraCheckpoint.read(merged).isEmpty());
    try (LanguageModel plain = LanguageModel.load(merged);
        LanguageModel adapted = LanguageModel.load(fetch(r.output("checkpoint"), "dpo2"),
            b -> fetch(new ArtifactRef(b.uri(), b.sha256(), 0), "dpo-base"));
        NDManager m = adapted.manager().newSubManager()) {
      Map<String, NDArray> want = adapted.mergedWeights(m);
      plain.weights().forEach((k, w) -> assertArrayEquals(want.get(k).toFloatArray(), w.toFloatArray(), k));
    }
  }
}
