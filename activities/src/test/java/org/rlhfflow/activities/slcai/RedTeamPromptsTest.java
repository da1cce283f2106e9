package org.rlhfflow.activities.slcai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.ConstitutionLoader;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;

/** data.red_team_prompts and the sl_cai section fail at the start, naming the file, line or key. */
class RedTeamPromptsTest {
  static final String YAML = """
      name: cai
      method: sl_cai_sft
      task:
        name: assistant
      preferences:
        ai:
          constitution: ../experiments/constitutions/assistant.yaml
      """;

  static final Constitution CONSTITUTION =
      ConstitutionLoader.load(Path.of("../experiments/constitutions/assistant.yaml"), "c");

  @TempDir Path tmp;

  @Test
  void readsEveryPromptOfTheFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("red.jsonl"), "{\"prompt\": \"hide gun x3?\"}\n{\"prompt\": \"aim key x2?\", \"id\": \"b\"}\n");
    assertEquals(List.of("hide gun x3?", "aim key x2?"), RedTeamPrompts.read(f));
  }

  @Test
  void anEmptyFileFailsNamingIt() throws Exception {
    Path f = Files.writeString(tmp.resolve("empty.jsonl"), "");
    ValidationException e = assertThrows(ValidationException.class, () -> RedTeamPrompts.read(f));
    assertTrue(e.getMessage().startsWith("data.red_team_prompts: ") && e.getMessage().contains("empty.jsonl has no prompts"),
        e.getMessage());
  }

  @Test
  void aMalformedLineFailsNamingFileAndLine() throws Exception {
    Path f = Files.writeString(tmp.resolve("bad.jsonl"), "{\"prompt\": \"hide gun x3?\"}\n{\"id\": \"no prompt\"}\n");
    ValidationException e = assertThrows(ValidationException.class, () -> RedTeamPrompts.read(f));
    assertTrue(e.getMessage().contains("bad.jsonl: line 2") && e.getMessage().contains("prompt"), e.getMessage());
  }

  @Test
  void theCheckAtTheStartReadsTheFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("empty.jsonl"), "");
    ExperimentSpec spec = SpecLoader.parse(YAML + "data:\n  red_team_prompts: " + f + "\n", "sl-cai.yaml");
    assertThrows(ValidationException.class, () -> RedTeamPrompts.check(spec, CONSTITUTION));
    RedTeamPrompts.check(SpecLoader.parse(YAML + "model:\n  block_size: 160\nsl_cai:\n  exemplars: 0\n", "sl-cai.yaml"),
        CONSTITUTION); // the task's red_team split
  }

  @Test
  void aTaskWithoutRedTeamPromptsFailsNamingIt() {
    ExperimentSpec spec = SpecLoader.parse(YAML.replace("  name: assistant\n", "  name: digits\n"), "sl-cai.yaml");
    ValidationException e = assertThrows(ValidationException.class, () -> RedTeamPrompts.check(spec, CONSTITUTION));
    assertTrue(e.getMessage().contains("task digits has no red_team prompts"), e.getMessage());
  }

  @Test
  void aChainThatCannotFitTheContextFailsAtTheStartNamingTheKeys() {
    // The default sl_cai.exemplars (1) puts a worked chain before each request: not within 128 tokens.
    ExperimentSpec spec = SpecLoader.parse(YAML + "model:\n  block_size: 128\n", "sl-cai.yaml");
    ValidationException e = assertThrows(ValidationException.class, () -> RedTeamPrompts.check(spec, CONSTITUTION));
    assertTrue(e.getMessage().contains("model.block_size 128") && e.getMessage().contains("sl_cai.exemplars"), e.getMessage());
  }

  @Test
  void zeroRoundsFailsAtLoadNamingTheKey() {
    SpecException e = assertThrows(SpecException.class,
        () -> SpecLoader.parse(YAML + "sl_cai:\n  rounds: 0\n", "sl-cai.yaml"));
    assertTrue(e.getMessage().contains("sl-cai.yaml:9:") && e.getMessage().contains("sl_cai.rounds"), e.getMessage());
  }

  @Test
  void theSectionWithAnotherMethodFailsAtLoad() {
    SpecException e = assertThrows(SpecException.class,
        () -> SpecLoader.parse(YAML.replace("method: sl_cai_sft", "method: ppo") + "sl_cai:\n  rounds: 2\n", "sl-cai.yaml"));
    assertTrue(e.getMessage().contains("sl_cai") && e.getMessage().contains("method ppo"), e.getMessage());
  }

  @Test
  void theMethodNeedsAConstitution() {
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("""
        name: cai
        method: sl_cai_sft
        task:
          name: assistant
        """, "sl-cai.yaml"));
    assertTrue(e.getMessage().contains("preferences.ai.constitution"), e.getMessage());
  }
}
