package org.rlhfflow.activities.slcai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.PipelineActivities.ResolvedSpec;
import org.rlhfflow.activities.PipelineActivities.SpecSource;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.pipeline.PipelineActivitiesImpl;
import org.rlhfflow.activities.train.StageFixture;

/** The pipeline's first activity rejects SL-CAI's bad input before any training. */
class SlCaiStartTest {
  @TempDir Path tmp;

  private String yaml(Path constitution, String extra) {
    return """
        name: cai
        method: sl_cai_sft
        task:
          name: assistant
        pretrain:
          epochs: 1
        model:
          block_size: 160
        preferences:
          ai:
            constitution: %s
        sl_cai:
          exemplars: 0
        """.formatted(constitution) + extra;
  }

  private ResolvedSpec resolve(String yaml) {
    return new PipelineActivitiesImpl(StageFixture.services(tmp, new StageFixture.Recording(tmp)))
        .resolveSpec(new SpecSource(null, yaml, null));
  }

  @Test
  void plansTheSupervisedPhase() {
    ResolvedSpec r = resolve(yaml(Path.of("../experiments/constitutions/assistant.yaml"), ""));
    assertEquals(java.util.List.of("pretrain", "sft", "sl_cai", "sl_cai_sft", "evaluate"), r.stages());
  }

  @Test
  void aConstitutionWithoutACritiqueRequestFailsNamingTheField() throws Exception {
    Path c = Files.writeString(tmp.resolve("c.yaml"), """
        principles:
          - id: safe
            comparison: Which reply is safer?
            revision: Rewrite it safely.
        """);
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> resolve(yaml(c, "")));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("c.yaml:2") && e.getOriginalMessage().contains("principles[0].critique"),
        e.getOriginalMessage());
  }

  @Test
  void anEmptyRedTeamFileFailsNamingIt() throws Exception {
    Path red = Files.writeString(tmp.resolve("red.jsonl"), "");
    ApplicationFailure e = assertThrows(ApplicationFailure.class,
        () -> resolve(yaml(Path.of("../experiments/constitutions/assistant.yaml"), "data:\n  red_team_prompts: " + red + "\n")));
    assertTrue(e.isNonRetryable());
    assertTrue(e.getOriginalMessage().contains("data.red_team_prompts") && e.getOriginalMessage().contains("red.jsonl"),
        e.getOriginalMessage());
  }
}
