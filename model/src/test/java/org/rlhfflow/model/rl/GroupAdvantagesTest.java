package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GroupAdvantagesTest {
  // Three prompts, G = 4: a split group, a group with zero variance, a group with one success.
  private static final double[] REWARDS = {1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 1};

  @Test
  void grpoNormalisesWithinEachGroupAndZeroVarianceGroupsGetZero() {
    var r = GroupAdvantages.grpo(REWARDS, 4, true);
    // group 1: mean 0.5, unbiased std sqrt(1/3); group 3: mean 0.25, std sqrt(0.75/3) = 0.5
    double s1 = Math.sqrt(1.0 / 3) + 1e-4;
    double s3 = 0.5 + 1e-4;
    assertArrayEquals(new double[] {0.5 / s1, -0.5 / s1, -0.5 / s1, 0.5 / s1, 0, 0, 0, 0,
        -0.25 / s3, -0.25 / s3, -0.25 / s3, 0.75 / s3}, r.advantages(), 1e-12);
    assertEquals(1.0 / 3, r.fracZeroStd(), 0);
    assertEquals((Math.sqrt(1.0 / 3) + 0 + 0.5) / 3, r.meanStd(), 1e-12);
  }

  @Test
  void zeroVarianceIsExactlyZeroEvenWhenTheMeanDoesNotRoundTrip() {
    // (0.1 + 0.1 + 0.1) / 3 != 0.1 in doubles; r - mean would be ~1e-17, ~1e-13 after / 1e-4.
    var r = GroupAdvantages.grpo(new double[] {0.1, 0.1, 0.1}, 3, true);
    assertArrayEquals(new double[] {0, 0, 0}, r.advantages(), 0);
    assertEquals(1.0, r.fracZeroStd(), 0);
  }

  @Test
  void drGrpoOnlyCentres() {
    var r = GroupAdvantages.grpo(REWARDS, 4, false);
    assertArrayEquals(new double[] {0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, -0.25, -0.25, -0.25, 0.75},
        r.advantages(), 1e-12);
  }

  @Test
  void rlooSubtractsTheMeanOfTheOthers() {
    // group 1: sum 2, r=1 -> 1 - 1/3, r=0 -> 0 - 2/3; group 3: sum 1, r=0 -> -1/3, r=1 -> 1 - 0
    var r = GroupAdvantages.rloo(REWARDS, 4);
    double t = 2.0 / 3;
    assertArrayEquals(new double[] {t, -t, -t, t, 0, 0, 0, 0, -1.0 / 3, -1.0 / 3, -1.0 / 3, 1},
        r.advantages(), 1e-12);
  }

  @Test
  void rlooRewardSubtractsTheSequenceKlOnce() {
    // scores [1, 1], KL sums [2, 0], beta 0.1: r = [0.8, 1.0]; baselines are each other
    var r = RlooRewards.compute(new double[] {1, 1}, new double[] {2, 0}, 0.1, 2);
    assertArrayEquals(new double[] {0.8, 1.0}, r.rewards(), 1e-12);
    assertArrayEquals(new double[] {-0.2, 0.2}, r.advantages(), 1e-12);
  }

  @Test
  void groupsMustBeWholeAndHoldTwo() {
    assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.grpo(REWARDS, 5, true));
    assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.rloo(new double[] {1}, 1));
  }
}
