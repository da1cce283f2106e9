package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * A NaN in the rollout (here an advantage) makes the loss and the gradients NaN: PPO stops before
 * the optimizer step, and the policy's weights are exactly what they were.
 */
class PpoNanGuardTest {
  @TempDir Path tmp;

  @Test
  void aNanGradientNeverReachesTheWeights() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec(PpoFixture.BASE_YAML);
    f.input(spec, List.of(), 1.0); // writes tmp/sft and tmp/rm
    try (PpoModels models = PpoModels.open(tmp.resolve("sft"), tmp.resolve("rm"), spec)) {
      Rollout rollout = new RolloutCollector(models, spec.ppo())
          .collect(List.of("12=", "345=", "6=", "78=", "90=", "1=", "23=", "4="), 7, null);
      // One NaN advantage in every row, so the very first minibatch already has a NaN loss.
      for (int b = 0; b < rollout.batch(); b++) {
        for (int t = 0; t < rollout.width(); t++) {
          if (rollout.response()[b * rollout.width() + t] > 0) {
            rollout.advantages()[b][t] = Float.NaN;
            break;
          }
        }
      }
      Map<String, float[]> before = snapshot(models);
      var e = assertThrows(StageFailures.TrainingDivergedException.class,
          () -> new PpoUpdater(models, spec.ppo(), spec.seed()).update(rollout, 0));
      assertTrue(e.getMessage().contains("no optimizer step was taken"), e.getMessage());
      Map<String, float[]> after = snapshot(models);
      for (String k : before.keySet()) {
        assertArrayEquals(before.get(k), after.get(k), "policy weight " + k + " changed");
      }
    }
  }

  private static Map<String, float[]> snapshot(PpoModels models) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> w : models.policy.weights().entrySet()) {
      out.put(w.getKey(), w.getValue().toFloatArray());
    }
    return out;
  }
}
