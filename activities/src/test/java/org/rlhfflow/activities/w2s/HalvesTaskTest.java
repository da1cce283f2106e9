package org.rlhfflow.activities.w2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhfflow.data.LabelledText;

/** The halves task's oracle, its class balance and its determinism. */
class HalvesTaskTest {
  @Test
  void labelsCompareTheHalvesDigitSums() {
    assertEquals(1, HalvesTask.label("9081726354")); // 25 against 20
    assertEquals(0, HalvesTask.label("1111199999"));
    assertEquals(0, HalvesTask.label("1234554321")); // a tie is not "more than"
  }

  @Test
  void examplesAreTenDigitsLabelledByTheOracleWithoutTiesAndBalanced() {
    List<LabelledText> rows = HalvesTask.generate(2000, 7);
    int positives = 0;
    for (LabelledText r : rows) {
      assertTrue(r.text().matches("[0-9]{10}"), r.text());
      assertEquals(HalvesTask.label(r.text()), r.label(), r.text());
      assertTrue(HalvesTask.label(new StringBuilder(r.text()).reverse().toString()) != r.label(),
          "a tie was kept: " + r.text()); // reversing swaps the halves, so only a tie keeps its label
      positives += r.label();
    }
    assertTrue(Math.abs(positives / 2000.0 - 0.5) < 0.05, "positive fraction " + positives / 2000.0);
    assertEquals(rows, HalvesTask.generate(2000, 7));
  }
}
