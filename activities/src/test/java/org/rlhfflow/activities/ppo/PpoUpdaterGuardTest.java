package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.StageFailures;

/** The check that runs after backward and clipping, before PPO's optimizer steps. */
class PpoUpdaterGuardTest {
  @Test
  void aNanGradientNormStopsTheStepAndNamesWhere() {
    var e = assertThrows(StageFailures.TrainingDivergedException.class,
        () -> PpoUpdater.requireFinite(3, 5, 0.1, 0.2, Double.NaN, 1.0));
    assertTrue(e.getMessage().contains("iteration 3, minibatch step 5"), e.getMessage());
    assertTrue(e.getMessage().contains("policy grad norm NaN"), e.getMessage());
    assertTrue(e.getMessage().contains("no optimizer step was taken"), e.getMessage());
  }

  @Test
  void anInfiniteLossOrCriticNormStopsTheStep() {
    assertThrows(StageFailures.TrainingDivergedException.class,
        () -> PpoUpdater.requireFinite(0, 0, Double.POSITIVE_INFINITY, 0.2, 1.0, 1.0));
    assertThrows(StageFailures.TrainingDivergedException.class,
        () -> PpoUpdater.requireFinite(0, 0, 0.1, Double.NaN, 1.0, 1.0));
    assertThrows(StageFailures.TrainingDivergedException.class,
        () -> PpoUpdater.requireFinite(0, 0, 0.1, 0.2, 1.0, Double.NEGATIVE_INFINITY));
    assertDoesNotThrow(() -> PpoUpdater.requireFinite(0, 0, 0.1, 0.2, 1e6, 0.0));
  }
}
