package org.rlhfflow.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;

/** Where pretrain and AI-labelled collect sit in the composed pipeline. */
class RlaifPlanTest {
  private static ExperimentSpec load(String name) {
    return SpecLoader.load(Path.of("../experiments").resolve(name));
  }

  @Test
  void rlaifPretrainsThenJudgesTheSftPolicysSamples() {
    assertEquals(List.of("pretrain", "sft", "collect", "reward_model", "ppo", "evaluate"),
        StageRegistry.plan(load("rlaif.yaml")));
    assertEquals(List.of("pretrain", "sft", "collect", "reward_model", "ppo", "evaluate"),
        StageRegistry.plan(load("rlhf-assistant.yaml")));
  }

  @Test
  void withoutPretrainingNothingChangesAndAPretrainJudgeIsMissing() {
    assertEquals(List.of("sft", "collect", "reward_model", "ppo", "evaluate"), StageRegistry.plan(load("demo.yaml")));
    ExperimentSpec sftJudge = SpecLoader.parse("name: x\npreferences:\n  source: ai\n  ai:\n    constitution: c.yaml\n"
        + "    judge: sft\n", "x.yaml");
    assertEquals(List.of("sft", "collect", "reward_model", "ppo", "evaluate"), StageRegistry.plan(sftJudge));
    ExperimentSpec noBase = SpecLoader.parse("name: x\npreferences:\n  source: ai\n  ai:\n    constitution: c.yaml\n",
        "x.yaml");
    ValidationException e = assertThrows(ValidationException.class, () -> StageRegistry.plan(noBase));
    assertTrue(e.getMessage().contains("collect needs pretrain") && e.getMessage().contains("pretrain.epochs is 0"),
        e.getMessage());
  }
}
