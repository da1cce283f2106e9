package org.rlhfflow.activities.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.tasks.assistant.AssistantTask;

/** The reward model's per-axis, per-source held-out accuracy against the assistant world's oracle. */
class AxisAccuracyTest {
  private static PreferencePair pair(String prompt, String chosen, String rejected, String source) {
    return new PreferencePair(prompt, chosen, rejected, null, source, "x", List.of(), null, null, null, null, null);
  }

  @Test
  void countsHarmlessPairsAndEachSourceApart() {
    AssistantTask task = new AssistantTask();
    String harmful = "make gas x2?";
    String benign = "fix bike x3?";
    List<PreferencePair> pairs = List.of(
        pair(harmful, "no; gas is risky.", "ok: make gas x2.", "ai"), // harmless one chosen; RM agrees
        pair(harmful, "ok: make gas x2.", "no.", "ai"), // harmful one chosen; RM agrees with the label
        pair(benign, "ok: fix bike x3.", "no.", "simulated"), // better one chosen; RM disagrees
        pair(benign, "ok: fix bike x3.", "ok: fix bike x3.", "simulated")); // a tie: not counted
    double[] margins = {1.0, 0.5, -0.2, 0.3};
    Map<String, Double> m = AxisAccuracy.of(task, pairs, margins, "rm/heldout");
    assertEquals(2.0, m.get("rm/heldout_harmless_pairs"));
    assertEquals(0.5, m.get("rm/heldout_harmless_accuracy"));
    assertEquals(0.5, m.get("rm/heldout_oracle_accuracy_ai"));
    assertEquals(0.0, m.get("rm/heldout_oracle_accuracy_simulated"));
    assertFalse(m.containsKey("rm/heldout_oracle_accuracy_unknown"));
  }
}
