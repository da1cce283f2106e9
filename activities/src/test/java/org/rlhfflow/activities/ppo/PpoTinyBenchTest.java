package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * Seconds per PPO iteration on the demo's TINY model with the default ppo section (64 rollouts, 4
 * epochs of minibatch 16), responses capped at 9 tokens like the digits task's. Opt-in, it measures
 * rather than checks: {@code -Drlhf.bench=true [-Drlhf.bench.threads=2 -Drlhf.bench.shared=true
 * -Drlhf.bench.iterations=4]}.
 */
@EnabledIfSystemProperty(named = "rlhf.bench", matches = "true")
class PpoTinyBenchTest {
  @TempDir Path tmp;

  @Test
  void secondsPerIterationOnTiny() throws Exception {
    int threads = Integer.getInteger("rlhf.bench.threads", 1);
    int iterations = Integer.getInteger("rlhf.bench.iterations", 4);
    boolean shared = Boolean.getBoolean("rlhf.bench.shared");
    PpoFixture f = new PpoFixture(tmp, threads);
    ExperimentSpec spec = PpoFixture.spec("""
        name: ppo-bench
        model:
          preset: tiny
          share_critic_trunk: %b
        ppo:
          iterations: %d
          max_new_tokens: 9
        """.formatted(shared, iterations));
    new PpoActivitiesImpl(f.services).ppo(f.input(spec, List.of(), 20));
    List<Double> rollout = f.tracker.metrics.get("timing/rollout_s");
    List<Double> update = f.tracker.metrics.get("timing/update_s");
    assertEquals(iterations, rollout.size());
    System.out.printf("TINY PPO, %d intra-op threads, shared critic trunk %b: rollout_s %s update_s %s%n",
        threads, shared, rollout, update);
  }
}
