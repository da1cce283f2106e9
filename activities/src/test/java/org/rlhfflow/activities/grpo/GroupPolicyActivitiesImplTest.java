package org.rlhfflow.activities.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.StageFixtures;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.store.ArtifactRef;

/** The GRPO and RLOO activities, run for real on a NANO policy that writes random digits. */
class GroupPolicyActivitiesImplTest {
  static final String GRPO = """
      name: grpo-test
      seed: 7
      method: grpo
      model:
        preset: nano
        block_size: 32
      task:
        train_prompts: 16
      reward:
        source: verifier
      grpo:
        iterations: 4
        prompts_per_iteration: 2
        num_generations: 4
        minibatch_size: 4
        max_new_tokens: 9
        beta: 0.04
        checkpoint_every: 2
      """;

  static final String RLOO = """
      name: rloo-test
      seed: 7
      method: rloo
      model:
        preset: nano
        block_size: 32
      task:
        train_prompts: 16
      rloo:
        iterations: 2
        prompts_per_iteration: 2
        num_generations: 3
        minibatch_size: 6
        max_new_tokens: 9
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private static StageResult grpo(StageServices s, ArtifactRef sft, String yaml, Optional<Progress> resume,
      List<Progress> checkpoints, String... forced) {
    return new GroupPolicyRunner(s).execute(GroupStages.GRPO_DEF,
        new GroupPolicyInput(StageFixture.context(yaml, forced), sft, null), run -> resume, checkpoints::add);
  }

  @Test
  void grpoWithVerifierRewardsLogsTrlMetricsAndResumesBitIdentical() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageServices s = StageFixture.services(tmp, tracker);
    ArtifactRef sft = StageFixtures.digitPolicy(s, tmp, 3);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = grpo(s, sft, GRPO, Optional.empty(), checkpoints);
    for (String key : List.of("grpo/reward", "grpo/reward_std", "grpo/frac_reward_zero_std", "grpo/kl",
        "grpo/objective/kl", "grpo/clip_ratio/region_mean", "grpo/completions/mean_length", "grpo/loss",
        "grpo/oracle_score")) {
      assertEquals(4, tracker.points(key).size(), key);
      assertTrue(tracker.points(key).stream().allMatch(p -> Double.isFinite(p.value())), key);
    }
    // The digits policy's random answers score differently, so the groups carry signal.
    assertTrue(tracker.points("grpo/reward_std").get(0).value() > 0);
    // With verifier rewards the reward is the oracle score itself.
    assertEquals(tracker.points("grpo/oracle_score").get(0).value(), tracker.points("grpo/reward").get(0).value(), 0);
    // One pass over fresh samples: the ratio is 1 and nothing is clipped.
    assertTrue(tracker.points("grpo/clip_ratio/region_mean").stream().allMatch(p -> p.value() == 0));
    assertEquals(List.of(2L), checkpoints.stream().map(Progress::step).toList());

    tracker.clear();
    Progress heartbeat = new Progress(3, checkpoints.get(0).checkpoint()); // a retry sees one iteration past it
    StageResult resumed = grpo(s, sft, GRPO, Optional.of(heartbeat), new ArrayList<>(), GroupStages.GRPO);
    assertEquals(2, tracker.points("grpo/reward").size());
    assertEquals(full.output("checkpoint").sha256(), resumed.output("checkpoint").sha256());
    assertTrue(grpo(s, sft, GRPO, Optional.empty(), new ArrayList<>()).reused());
  }

  @Test
  void rlooScoresWithTheRewardModel() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageServices s = StageFixture.services(tmp, tracker);
    ArtifactRef sft = StageFixtures.digitPolicy(s, tmp, 3);
    ArtifactRef rm = StageFixtures.nanoRewardModel(s, tmp, 4);
    StageResult r = new RlooActivitiesImpl(s).rloo(new GroupPolicyInput(StageFixture.context(RLOO), sft, rm)).run();
    assertFalse(r.reused());
    assertEquals(2, tracker.points("rloo/reward").size());
    assertTrue(tracker.points("rloo/oracle_score").size() == 2);
    assertTrue(Double.isFinite(r.metrics().get("rloo/final_reward")));
    // The RM's score is not the oracle's: the reward is the model's.
    assertTrue(tracker.points("rloo/reward").get(0).value() != tracker.points("rloo/oracle_score").get(0).value());
  }

  @Test
  void rewardModelSourceWithoutARewardModelFailsWithoutRetry() throws IOException {
    StageServices s = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    ArtifactRef sft = StageFixtures.digitPolicy(s, tmp, 3);
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> new RlooActivitiesImpl(s)
        .rloo(new GroupPolicyInput(StageFixture.context(RLOO), sft, null)));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("rewardModel"), e.getOriginalMessage());
  }
}
