package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * With {@code model.share_critic_trunk}, PPO runs the trunk once for the policy's log-probs and the
 * critic's values: the same numbers as two separate forwards, bit for bit, and the same gradients
 * to float rounding (one backward through the trunk instead of two accumulated).
 */
class PpoFusedForwardTest {
  @TempDir Path tmp;

  @Test
  void oneTrunkPassGivesTheSeparateForwardsResults() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec(PpoFixture.BASE_YAML.replace("  preset: nano",
        "  preset: nano\n  share_critic_trunk: true"));
    f.input(spec, List.of(), 1.0);
    try (PpoModels models = PpoModels.open(tmp.resolve("sft"), tmp.resolve("rm"), spec);
        NDManager m = models.policy.manager().newSubManager()) {
      assertTrue(models.critic.sharesTrunk());
      long[] ids = {1, 50, 51, 61, 52, 2, 1, 49, 61, 55, 56, 57};
      float[] mask = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}; // row 0 left-padded by two
      NDArray x = m.create(ids, new Shape(2, 6));
      NDArray att = m.create(mask, new Shape(2, 6));
      double t = spec.ppo().temperature();

      Map<String, float[]> fusedGrads;
      float[] fusedLogp;
      float[] fusedValues;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        PpoModels.PolicyAndValues pv = models.policyAndValues(x, att, t, true);
        fusedLogp = pv.scores().logprobs().toFloatArray();
        fusedValues = pv.values().toFloatArray();
        gc.backward(pv.scores().logprobs().sum().add(pv.values().mul(att).sum()));
      }
      fusedGrads = gradientsAndZero(models);
      float[] logp;
      float[] values;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray lp = models.policy.scoreSampled(x, att, t, true).logprobs();
        NDArray v = models.critic.values(x, att);
        logp = lp.toFloatArray();
        values = v.toFloatArray();
        gc.backward(lp.sum().add(v.mul(att).sum()));
      }
      Map<String, float[]> grads = gradientsAndZero(models);
      assertArrayEquals(logp, fusedLogp);
      assertArrayEquals(values, fusedValues);
      for (String k : grads.keySet()) {
        float[] a = grads.get(k);
        float[] b = fusedGrads.get(k);
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], 1e-5 * (1 + Math.abs(a[i])), k + "[" + i + "]");
        }
      }
    }
  }

  private static Map<String, float[]> gradientsAndZero(PpoModels models) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (var p : models.critic.trainableParameters()) {
      NDArray g = p.getValue().getArray().getGradient();
      out.put(p.getKey(), g.toFloatArray());
      g.muli(0);
    }
    for (var p : models.policy.parameters()) {
      NDArray g = p.getValue().getArray().getGradient();
      out.putIfAbsent("policy." + p.getKey(), g.toFloatArray());
      g.muli(0);
    }
    return out;
  }
}
