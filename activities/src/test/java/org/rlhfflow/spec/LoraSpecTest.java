package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.StageFailures;

/** {@code model.lora}: absent by default (no existing spec's hash changes), defaults, targets checked. */
class LoraSpecTest {
  private static ExperimentSpec parse(String yaml) {
    return SpecLoader.parse(yaml, "lora.yaml");
  }

  @Test
  void absentUnlessSetAndLeavesTheResolvedSpecAsItWas() {
    ExperimentSpec spec = parse("name: x\n");
    assertNull(spec.model().lora());
    assertFalse(spec.canonicalJson().contains("lora"), spec.canonicalJson());
    LoraModels.checkTargets(spec); // nothing to check
  }

  @Test
  void defaultsAreHuEtAlsAndValuesBind() {
    LoraSpec d = parse("name: x\nmodel:\n  preset: nano\n  lora: {}\n").model().lora();
    assertEquals(8, d.rank());
    assertEquals(16.0, d.alpha());
    assertEquals(List.of("q_proj", "v_proj"), d.targets());
    ExperimentSpec spec = parse("name: x\nmodel:\n  lora:\n    rank: 2\n    alpha: 4\n    targets: [c_attn]\n");
    assertEquals(2.0, spec.model().lora().config().scale());
    assertEquals("[c_attn]", spec.flatten().get("model.lora.targets"));
  }

  @Test
  void badValuesNameTheKey() {
    SpecException rank = assertThrows(SpecException.class,
        () -> parse("name: x\nmodel:\n  lora:\n    rank: 0\n"));
    assertTrue(rank.getMessage().contains("model.lora.rank"), rank.getMessage());
    SpecException typo = assertThrows(SpecException.class,
        () -> parse("name: x\nmodel:\n  lora:\n    rnak: 4\n"));
    assertTrue(typo.getMessage().contains("model.lora.rnak: unknown key"), typo.getMessage());
    SpecException rounds = assertThrows(SpecException.class,
        () -> parse("name: x\nrounds: 2\nmodel:\n  lora: {targets: [c_attn]}\n"));
    assertTrue(rounds.getMessage().contains("rounds"), rounds.getMessage());
  }

  @Test
  void aTargetThatNamesNoModuleFailsNamingTheFieldAndTheModules() {
    StageFailures.ValidationException gpt = assertThrows(StageFailures.ValidationException.class,
        () -> LoraModels.checkTargets(parse("name: x\nmodel:\n  preset: nano\n  lora:\n    targets: [c_attn, q_prj]\n")));
    assertEquals("model.lora.targets[1]: 'q_prj' matches no module; modules are: [c_attn, c_fc, c_proj]",
        gpt.getMessage());
    String qwen = "name: x\nmodel:\n  hf_checkpoint: ../model/src/test/resources/hf-tiny-qwen2\n  lora:\n    targets: ";
    LoraModels.checkTargets(parse(qwen + "[q_proj, v_proj, down_proj]\n"));
    StageFailures.ValidationException llama = assertThrows(StageFailures.ValidationException.class,
        () -> LoraModels.checkTargets(parse(qwen + "[q_proj, c_attn]\n")));
    assertEquals("model.lora.targets[1]: 'c_attn' matches no module; modules are: "
        + "[down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj]", llama.getMessage());
  }

  @Test
  void thePipelinesFirstActivityRefusesItWithoutRetry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    var services = org.rlhfflow.activities.train.StageFixture.services(tmp,
        new org.rlhfflow.activities.train.StageFixture.Recording(tmp));
    var e = assertThrows(io.temporal.failure.ApplicationFailure.class,
        () -> new org.rlhfflow.activities.pipeline.PipelineActivitiesImpl(services).resolveSpec(
            new org.rlhfflow.activities.PipelineActivities.SpecSource("bad.yaml",
                "name: x\nmodel:\n  preset: nano\n  lora:\n    targets: [c_attn, q_prj]\n", null)));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().startsWith("model.lora.targets[1]: 'q_prj' matches no module"),
        e.getOriginalMessage());
  }
}
