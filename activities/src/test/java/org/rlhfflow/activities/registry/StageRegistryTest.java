package org.rlhfflow.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.ppo.PpoResult;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;

class StageRegistryTest {
  private static List<String> plan(String yaml) {
    return StageRegistry.plan(SpecLoader.parse("name: t\n" + yaml, "t.yaml"));
  }

  private static final String DATASET = "preferences:\n  source: dataset\ndata:\n  preference_dataset: p.arrow\n";

  @Test
  void ppoSamplesPreferencesFromTheSftPolicy() {
    assertEquals(List.of("sft", "collect", "reward_model", "ppo", "evaluate"), plan(""));
  }

  @Test
  void anImportedDatasetIsCollectedFirstSoABadFileFailsBeforeTraining() {
    assertEquals(List.of("collect", "sft", "reward_model", "ppo", "evaluate"), plan(DATASET));
  }

  @Test
  void untilCutsThePipelineAfterThatStage() {
    assertEquals(List.of("sft", "collect", "reward_model"), plan("until: reward_model\n"));
    assertEquals(List.of("collect", "sft"), plan(DATASET + "until: sft\n"));
    ValidationException e = assertThrows(ValidationException.class, () -> plan("until: rm\n"));
    assertTrue(e.getMessage().contains("until: \"rm\" is not a stage of this pipeline"), e.getMessage());
  }

  @Test
  void sftEpochsZeroSkipsSftUnlessAStageNeedsIt() {
    assertEquals(List.of("collect", "reward_model", "ppo", "evaluate"), plan(DATASET + "sft:\n  epochs: 0\n"));
    ValidationException e = assertThrows(ValidationException.class, () -> plan("sft:\n  epochs: 0\n"));
    assertEquals("collect needs sft, which this spec skips: sft.epochs is 0", e.getMessage());
  }

  @Test
  void anUnknownMethodNamesTheMethods() {
    ValidationException e = assertThrows(ValidationException.class, () -> plan("method: orpo\n"));
    assertEquals("method: \"orpo\" is not a method; methods: ppo, dpo, grpo, rloo, sl_cai_sft", e.getMessage());
    assertThrows(ValidationException.class, () -> plan("method: sft\n"));
  }

  @Test
  void everyStageHasAUniqueNameAndReadsOnlyExistingSpecKeys() {
    ExperimentSpec spec = ExperimentSpec.named("t");
    assertEquals(StageRegistry.all().size(), StageRegistry.names().size());
    for (StageDef<?, ?> def : StageRegistry.all()) {
      def.reads().forEach(spec::stageJson); // throws on a key that does not exist
      def.files().forEach(key -> assertTrue(def.reads().contains(key), def + " hashes " + key + " but does not read it"));
    }
  }

  @Test
  void typedResultsKeepTheWireFormatOfStageResult() {
    ArtifactRef ckpt = new ArtifactRef("file:///c", "ab".repeat(32), 3);
    StageResult raw = new StageResult("ppo", Map.of("checkpoint", ckpt), Map.of("ppo/final_kl", 1.0), "k", false, 2.0);
    var converter = DefaultDataConverter.newDefaultInstance();
    PpoResult typed = PpoResult.of(raw);
    // what a worker of this version sends is what workflows recorded before typed results existed
    assertEquals(converter.toPayload(raw).get().getData(), converter.toPayload(typed).get().getData());
    PpoResult back = converter.fromPayload(converter.toPayload(raw).get(), PpoResult.class, PpoResult.class);
    assertEquals(ckpt, back.checkpoint());
    assertEquals(ckpt, back.policy());
    assertNull(back.curve());
    assertEquals(raw, back.run());
    assertThrows(IllegalStateException.class, () -> SftResult.of(
        new StageResult("sft", Map.of(), Map.of(), "k", false, 0)));
  }
}
