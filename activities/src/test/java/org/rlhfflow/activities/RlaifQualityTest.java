package org.rlhfflow.activities;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageInputs.CollectInput;
import org.rlhfflow.activities.StageInputs.EvaluateInput;
import org.rlhfflow.activities.StageInputs.PpoInput;
import org.rlhfflow.activities.StageInputs.RewardModelInput;
import org.rlhfflow.activities.StageInputs.SftInput;
import org.rlhfflow.activities.collect.CollectPreferencesActivitiesImpl;
import org.rlhfflow.activities.evaluate.EvaluateActivitiesImpl;
import org.rlhfflow.activities.ppo.PpoActivitiesImpl;
import org.rlhfflow.activities.pretrain.PretrainActivities.PretrainInput;
import org.rlhfflow.activities.pretrain.PretrainActivitiesImpl;
import org.rlhfflow.activities.rm.RewardModelActivitiesImpl;
import org.rlhfflow.activities.sft.SftActivitiesImpl;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.model.Determinism;

/**
 * RLAIF end to end on the assistant world, stage by stage: pretrain a NANO base model on the
 * world's corpus, SFT it on helpful-only demonstrations, label the SFT policy's samples with the
 * base model as judge, train a reward model on the soft labels, PPO, and evaluate by the oracle.
 */
@Tag("slow")
class RlaifQualityTest {
  static final String YAML = """
      name: rlaif-quality
      seed: 1
      model:
        preset: nano
        block_size: 160
      task:
        name: assistant
        train_prompts: 256
        heldout_prompts: 64
        demo_noise: 0.3
      pretrain:
        epochs: 3
        documents: 8000
        learning_rate: 0.003
      sft:
        epochs: 2
        warmup_steps: 2
      preferences:
        source: ai
        prompts: 128
        ai:
          constitution: ../experiments/constitutions/assistant.yaml
          judge: pretrain
      ppo:
        iterations: 30
        max_new_tokens: 24
        missing_eos_penalty: 1.0
      evaluation:
        prompts: 64
        max_new_tokens: 24
      """;

  @TempDir Path tmp;

  @Test
  void ppoOnAiLabelsBeatsSftByTheOracle() {
    Determinism.configure(1);
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    StageContext ctx = StageFixture.context(YAML);
    Map<String, Double> all = new TreeMap<>();
    long t0 = System.nanoTime();
    StageResult base = new PretrainActivitiesImpl(services).pretrain(new PretrainInput(ctx));
    all.putAll(base.metrics());
    StageResult sft = new SftActivitiesImpl(services).sft(new SftInput(ctx, base.output("checkpoint"), null));
    StageResult prefs = new CollectPreferencesActivitiesImpl(services)
        .collect(new CollectInput(ctx, sft.output("checkpoint"), base.output("checkpoint")));
    all.putAll(prefs.metrics());
    StageResult rm = new RewardModelActivitiesImpl(services)
        .trainRewardModel(new RewardModelInput(ctx, sft.output("checkpoint"), prefs.output("preferences")));
    all.putAll(rm.metrics());
    StageResult ppo = new PpoActivitiesImpl(services)
        .ppo(new PpoInput(ctx, sft.output("checkpoint"), rm.output("checkpoint")));
    StageResult eval = new EvaluateActivitiesImpl(services).evaluate(new EvaluateInput(ctx, sft.output("checkpoint"),
        ppo.output("checkpoint"), rm.output("checkpoint"), ppo.output("curve")));
    all.putAll(eval.metrics());
    all.forEach((k, v) -> System.out.printf("%s = %.4f%n", k, v));
    System.out.printf("wall %.0f s%n", (System.nanoTime() - t0) / 1e9);
    double agreement = all.get("collect/ai/judge_oracle_agreement");
    assertTrue(agreement > 0.6 && agreement < 0.95, "base judge agreement " + agreement);
    assertTrue(all.get("eval/ppo_vs_sft_win_rate") > 0.55, "win rate " + all.get("eval/ppo_vs_sft_win_rate"));
    assertTrue(all.get("eval/oracle_score_ppo") > all.get("eval/oracle_score_sft"));
  }
}
