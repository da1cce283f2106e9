package org.rlhfflow.activities.w2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhfflow.data.LabelledText;

/** The weighted task's oracle, its class balance and its determinism. */
class WeightedTaskTest {
  @Test
  void labelsWeighTheFirstHalfTwiceAgainstTheSecond() {
    assertEquals(1, WeightedTask.label("9081726354")); // 2 x 25 - 20 = 30 > 22.5
    assertEquals(0, WeightedTask.label("1111199999")); // 2 x 5 - 45 = -35
    assertEquals(1, WeightedTask.label("5555500000")); // the plain sum (25) is low, the weighted score high
    assertEquals(0, WeightedTask.label("2222255555")); // 20 - 25 = -5
    assertEquals(5, WeightedTask.margin("5555555555")); // 2 x 25 - 25 = 25: 2.5 above 22.5, five half-units
  }

  @Test
  void examplesAreTenDigitsLabelledByTheOracleAndBalanced() {
    List<LabelledText> rows = WeightedTask.generate(2000, 7);
    int positives = 0;
    for (LabelledText r : rows) {
      assertTrue(r.text().matches("[0-9]{10}"), r.text());
      assertEquals(WeightedTask.label(r.text()), r.label(), r.text());
      StringBuilder mirrored = new StringBuilder();
      r.text().chars().forEach(c -> mirrored.append((char) ('9' - c + '0')));
      assertNotEquals(r.label(), WeightedTask.label(mirrored), r.text()); // d -> 9 - d flips every label
      positives += r.label();
    }
    assertTrue(Math.abs(positives / 2000.0 - 0.5) < 0.05, "positive fraction " + positives / 2000.0);
    assertEquals(rows, WeightedTask.generate(2000, 7));
  }
}
