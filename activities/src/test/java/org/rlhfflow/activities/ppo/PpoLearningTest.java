package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * PPO must climb the reward it is given. The reward model is synthetic: the NANO trunk with a fixed
 * random head scaled up so that responses differ in score by O(1). Responses are one token, a
 * contextual bandit, so 16 iterations of 32 episodes are enough to see the policy move: measured
 * mean score of the first 3 iterations -2.01, last 3 +0.27 (one intra-op thread).
 */
class PpoLearningTest {
  @TempDir Path tmp;

  @Test
  void meanRewardModelScoreRises() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec("""
        name: ppo-learning
        seed: 3
        model:
          preset: nano
        task:
          train_prompts: 64
        ppo:
          iterations: 16
          rollout_batch_size: 32
          minibatch_size: 16
          ppo_epochs: 4
          learning_rate: 0.001
          kl_coef: 0.01
          temperature: 1.0
          max_new_tokens: 1
          checkpoint_every: 100
        """);
    PpoInput in = f.input(spec, List.of(), 20);
    new PpoActivitiesImpl(f.services).ppo(in);
    List<Double> scores = f.tracker.metrics.get("ppo/rm_score");
    double before = (scores.get(0) + scores.get(1) + scores.get(2)) / 3;
    int n = scores.size();
    double after = (scores.get(n - 1) + scores.get(n - 2) + scores.get(n - 3)) / 3;
    System.out.printf("ppo/rm_score per iteration: %s%nfirst 3 mean %.4f, last 3 mean %.4f%n", scores, before, after);
    for (String k : List.of("ppo/objective/kl", "ppo/val/vf_loss", "timing/rollout_s", "timing/update_s")) {
      System.out.println(k + ": " + f.tracker.metrics.get(k));
    }
    assertTrue(after > before + 1.0, "mean RM score should rise: first 3 " + before + ", last 3 " + after);
  }
}
