package org.rlhfflow.activities;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.evaluate.EvaluateInput;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.collect.CollectPreferencesActivitiesImpl;
import org.rlhfflow.activities.evaluate.EvaluateActivitiesImpl;
import org.rlhfflow.activities.ppo.PpoActivitiesImpl;
import org.rlhfflow.activities.pretrain.PretrainInput;
import org.rlhfflow.activities.pretrain.PretrainActivitiesImpl;
import org.rlhfflow.activities.rm.RewardModelActivitiesImpl;
import org.rlhfflow.activities.sft.SftActivitiesImpl;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.ConstitutionLoader;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.spec.AiSpec;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * RLAIF end to end on the assistant world, stage by stage: pretrain a NANO base model on the
 * world's corpus, SFT it on helpful-only demonstrations, label the SFT policy's samples with the
 * base model as judge, train a reward model on the soft labels, PPO, and evaluate by the oracle;
 * then direct RLAIF, PPO from the same SFT policy with the base model's judgement as its reward.
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
        warmup_steps: 2
      preferences:
        source: ai
        prompts: 128
        max_new_tokens: 24
        ai:
          constitution: ../experiments/constitutions/assistant.yaml
          judge: pretrain
      ppo:
        iterations: 30
        # At the default 3e-4 the NANO policy left SFT by 25 nats and exploited the reward model.
        learning_rate: 5.0e-5
        kl_coef: 0.1
        max_new_tokens: 24
        missing_eos_penalty: 1.0
      evaluation:
        prompts: 64
        max_new_tokens: 24
      """;

  @TempDir Path tmp;

  /**
   * How the base model judges pairs of replies of every kind to held-out prompts, without and with
   * chain of thought: the agreement with the oracle and the position-bias rate.
   */
  private Map<String, Double> baseJudge(StageServices services, org.rlhfflow.store.ArtifactRef checkpoint) {
    AssistantTask task = new AssistantTask();
    Constitution c = ConstitutionLoader.load(Path.of("../experiments/constitutions/assistant.yaml"), "c");
    SplittableRandom rng = new SplittableRandom(1);
    List<Judge.Comparison> comparisons = new ArrayList<>();
    for (String p : task.prompts("heldout", 64, 3)) {
      for (int k = 0; k < 4; k++) {
        String a = task.anyReply(p, rng);
        String b = task.anyReply(p, rng);
        if (task.oracleScore(p, a) != task.oracleScore(p, b)) {
          comparisons.add(new Judge.Comparison(c.draw(rng), p, a, b));
        }
      }
    }
    Map<String, Double> out = new TreeMap<>();
    try (LanguageModel lm = LanguageModel.load(services.store().getDirectory(checkpoint, tmp.resolve("base")))) {
      for (boolean cot : new boolean[] {false, true}) {
        AiSpec d = AiSpec.DEFAULT;
        AiSpec s = new AiSpec("c", "pretrain", d.optionFirst(), d.optionSecond(), d.ending(), 0, cot, d.cotClamp(),
            d.cotMaxTokens(), d.batchSize(), 1);
        List<Judge.Verdict> v = new Judge(lm, c, s).judge(comparisons);
        int agree = 0;
        int flips = 0;
        for (int i = 0; i < v.size(); i++) {
          Judge.Comparison x = comparisons.get(i);
          boolean oracle = task.oracleScore(x.prompt(), x.a()) > task.oracleScore(x.prompt(), x.b());
          agree += (v.get(i).softLabel() > 0.5) == oracle ? 1 : 0;
          flips += v.get(i).positionFlip() ? 1 : 0;
          if (cot) {
            assertTrue(v.get(i).softLabel() >= 0.4 && v.get(i).softLabel() <= 0.6, "clamped: " + v.get(i));
          }
        }
        String key = cot ? "base_judge_cot/" : "base_judge/";
        out.put(key + "oracle_agreement", agree / (double) v.size());
        out.put(key + "position_bias_rate", flips / (double) v.size());
        out.put(key + "comparisons", (double) v.size());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  @Test
  void ppoOnAiLabelsBeatsSftByTheOracle() {
    Determinism.configure(1);
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    StageContext ctx = StageFixture.context(YAML);
    Map<String, Double> all = new TreeMap<>();
    long t0 = System.nanoTime();
    StageResult base = new PretrainActivitiesImpl(services).pretrain(new PretrainInput(ctx)).run();
    all.putAll(base.metrics());
    all.putAll(baseJudge(services, base.output("checkpoint")));
    StageResult sft = new SftActivitiesImpl(services).sft(new SftInput(ctx, base.output("checkpoint"), null)).run();
    StageResult prefs = new CollectPreferencesActivitiesImpl(services)
        .collect(new CollectInput(ctx, sft.output("checkpoint"), base.output("checkpoint"))).run();
    all.putAll(prefs.metrics());
    StageResult rm = new RewardModelActivitiesImpl(services)
        .trainRewardModel(new RewardModelInput(ctx, sft.output("checkpoint"), prefs.output("preferences"))).run();
    all.putAll(rm.metrics());
    StageResult ppo = new PpoActivitiesImpl(services)
        .ppo(new PpoInput(ctx, sft.output("checkpoint"), rm.output("checkpoint"))).run();
    StageResult eval = new EvaluateActivitiesImpl(services).evaluate(new EvaluateInput(ctx, sft.output("checkpoint"),
        ppo.output("checkpoint"), rm.output("checkpoint"), ppo.output("curve"))).run();
    all.putAll(eval.metrics());
    // Direct RLAIF (reward.source: judge, Lee et al. 2023 d-RLAIF): PPO from the same SFT policy,
    // its rollouts scored by the base model itself; no preferences and no reward model.
    StageContext direct = StageFixture.context(YAML.replace("\nppo:\n", "\nreward:\n  source: judge\nppo:\n"));
    StageResult dppo = new PpoActivitiesImpl(services)
        .ppo(new PpoInput(direct, sft.output("checkpoint"), null, null, base.output("checkpoint"))).run();
    StageResult deval = new EvaluateActivitiesImpl(services).evaluate(new EvaluateInput(direct,
        sft.output("checkpoint"), dppo.output("checkpoint"), null, dppo.output("curve"))).run();
    deval.metrics().forEach((k, v) -> all.put("direct/" + k, v));
    all.forEach((k, v) -> System.out.printf("%s = %.4f%n", k, v));
    System.out.printf("wall %.0f s%n", (System.nanoTime() - t0) / 1e9);
    // The base model judges well above chance and well below perfect, on fresh pairs and on the
    // SFT policy's samples.
    for (String key : List.of("base_judge/oracle_agreement", "collect/ai/judge_oracle_agreement")) {
      assertTrue(all.get(key) > 0.6 && all.get(key) < 0.95, key + " = " + all.get(key));
    }
    // Beats SFT: a win rate above one half (ties count half). Measured 0.586 on the rlaif branch and
    // 0.539 after issue 9's PPO and RM fixes were merged (same seed): the RLAIF effect here is small.
    assertTrue(all.get("eval/ppo_vs_sft_win_rate") > 0.5, "win rate " + all.get("eval/ppo_vs_sft_win_rate"));
    assertTrue(all.get("eval/oracle_score_ppo") > all.get("eval/oracle_score_sft"));
    // Direct RLAIF learns too: measured win rate 0.5625, oracle 0.352 -> 0.430 (./rlhf demo
    // --experiment experiments/d-rlaif.yaml --seed 1, the same settings).
    assertTrue(all.get("direct/eval/ppo_vs_sft_win_rate") > 0.5, "direct win rate " + all.get("direct/eval/ppo_vs_sft_win_rate"));
    assertTrue(all.get("direct/eval/oracle_score_ppo") > all.get("direct/eval/oracle_score_sft"));
  }
}
