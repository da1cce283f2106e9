package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.store.ArtifactRef;

/** Direct RLAIF (reward.source: judge): PPO scored by the judge itself, on untrained NANO models. */
class PpoJudgeRewardTest {
  @TempDir Path tmp;

  private String yaml(Path judge) {
    return """
        name: ppo-judge
        seed: 11
        model:
          preset: nano
        task:
          name: assistant
          train_prompts: 64
          heldout_prompts: 8
        evaluation:
          prompts: 8
        reward:
          source: judge
        preferences:
          ai:
            constitution: %s
            judge: %s
        ppo:
          iterations: 3
          rollout_batch_size: 8
          minibatch_size: 4
          ppo_epochs: 2
          max_new_tokens: 9
          checkpoint_every: 1
        """.formatted(Path.of("../experiments/constitutions/assistant.yaml").toAbsolutePath(), judge);
  }

  private Path judgeDir() throws IOException {
    Path dir = tmp.resolve("judge");
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO.withBlockSize(256), new ByteTokenizer(), 8)) {
      lm.save(dir, 0, "test", null, Map.of());
    }
    return dir;
  }

  @Test
  void thePlanHasNoCollectNorRewardModelAndPpoIsScoredByTheJudge() throws Exception {
    ExperimentSpec spec = PpoFixture.spec(yaml(judgeDir()));
    assertEquals(List.of("sft", "ppo", "evaluate"), StageRegistry.plan(spec));

    PpoFixture f = new PpoFixture(tmp);
    PpoInput withRm = f.input(spec, List.of("ppo"), 1);
    PpoInput in = new PpoInput(withRm.ctx(), withRm.sftModel(), null);
    PpoActivitiesImpl impl = new PpoActivitiesImpl(f.services);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult first = impl.execute(in, run -> Optional.empty(), checkpoints::add).run();
    List<Double> scores = f.tracker.metrics.get("ppo/rm_score");
    assertEquals(3, scores.size());
    for (double s : scores) {
      assertTrue(s > -1 && s < 1, "a judge reward is 2 P(preferred) - 1: " + s);
    }
    // Resumed from iteration 1 it gives the same policy: principles and baselines are seeded, not batched.
    StageResult resumed = impl.execute(in, run -> Optional.of(checkpoints.get(0)), p -> {}).run();
    assertEquals(first.output("checkpoint"), resumed.output("checkpoint"));
    assertEquals(first.output("critic"), resumed.output("critic"));
  }

  @Test
  void judgeRewardsNeedPpoAndAConstitution() throws Exception {
    String yaml = yaml(judgeDir());
    SpecException grpo = assertThrows(SpecException.class, () -> PpoFixture.spec(yaml.substring(0, yaml.indexOf("ppo:")) + "method: grpo\n"));
    assertTrue(grpo.getMessage().contains("reward.source"), grpo.getMessage());
    SpecException none = assertThrows(SpecException.class,
        () -> PpoFixture.spec(yaml.replaceAll("    constitution: .*\n", "")));
    assertTrue(none.getMessage().contains("preferences.ai.constitution"), none.getMessage());
  }
}
