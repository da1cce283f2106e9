package org.rlhfflow.activities.ppo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.Models;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import org.rlhfflow.activities.collect.AiCollectActivitiesImpl;
import org.rlhfflow.activities.collect.CollectPreferencesActivitiesImpl;
import org.rlhfflow.activities.collect.JudgeModel;
import org.rlhfflow.activities.grpo.RewardSpec;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.store.ArtifactRef;

/**
 * The PPO stage: optimises the SFT policy against the reward model with a KL penalty to the SFT
 * model (Ouyang et al. 2022, step 3). Outputs {@code checkpoint} (the policy), {@code critic} and
 * {@code curve} (reward and KL per iteration, for the over-optimisation plot).
 */
public final class PpoActivitiesImpl implements PpoActivities {
  private final StageServices services;

  public PpoActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public PpoResult ppo(PpoInput input) {
    return execute(input, StageRun::resumePoint, p -> {});
  }

  /**
   * The stage with its resume point and checkpoint events injectable, so tests can resume from a
   * checkpoint without a Temporal activity context.
   */
  PpoResult execute(PpoInput input, Function<StageRun, Optional<Progress>> resume,
      Consumer<Progress> onCheckpoint) {
    Map<String, String> inputs = new LinkedHashMap<>();
    JudgeModel judge;
    try {
      ExperimentSpec spec = SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment());
      judge = spec.reward().source() == RewardSpec.Source.JUDGE ? judgeModel(spec, input) : null;
      if (input.sftModel() == null || (judge == null && input.rewardModel() == null)) {
        throw new StageFailures.ValidationException("ppo needs sftModel and " + (judge == null ? "rewardModel" : "a judge")
            + ", got " + input);
      }
      inputs.put("sft_model", input.sftModel().sha256());
      if (judge == null) {
        inputs.put("reward_model", input.rewardModel().sha256());
      } else { // direct RLAIF: the judge, its principles and its prompt settings decide the rewards
        inputs.put("judge", judge.sha256());
        inputs.put("constitution", CollectPreferencesActivitiesImpl.constitution(spec).sha256());
        inputs.put("judge_settings", Sha256.hex(spec.stageJson("preferences.ai").getBytes(StandardCharsets.UTF_8)));
      }
    } catch (RuntimeException e) {
      ApplicationFailure bad = StageFailures.nonRetryable(PpoStage.NAME, e);
      throw bad != null ? bad : e;
    }
    if (input.initialPolicy() != null) { // a later iterated-RLHF round: its own cache key
      inputs.put("initial_policy", input.initialPolicy().sha256());
    }
    return PpoResult.of(StageRun.execute(services, input.ctx(), PpoStage.DEF, inputs, run -> {
      PromptSource prompts = PromptSource.of(run);
      Path sft = Models.fetch(run, input.sftModel(), "sft");
      Path rm = judge != null ? null : Models.fetch(run, input.rewardModel(), "reward_model");
      ArtifactRef policyRef = input.initialPolicy() == null ? input.sftModel() : input.initialPolicy();
      Path policyDir = input.initialPolicy() == null ? sft : Models.fetch(run, input.initialPolicy(), "initial_policy");
      // With model.lora: the SFT model (its adapters folded in) frozen as the base, fresh adapters on it.
      LanguageModel policy = LoraModels.adapt(run, LanguageModel.load(policyDir, LoraModels.resolver(run)),
          policyRef, PpoStage.NAME);
      try (PpoModels models = PpoModels.open(policy, sft, rm, run.spec(), LoraModels.resolver(run),
          reference -> judgeReward(run, judge, reference))) {
        prompts.checkFits(models.policy.tokenizer(), models.policy.config().blockSize(),
            run.spec().ppo().maxNewTokens());
        PpoTrainer trainer = new PpoTrainer(run, models, prompts, onCheckpoint);
        trainer.train(resume.apply(run));
        return finish(run, trainer, models);
      }
    }));
  }

  /** The judge of {@code reward.source: judge}: pretrain's base model, the SFT policy, or a file. */
  private static JudgeModel judgeModel(ExperimentSpec spec, PpoInput input) {
    String judge = spec.preferences().ai().judge();
    return JudgeModel.resolve(judge, judge.equals("sft") ? input.sftModel() : input.pretrained());
  }

  private static JudgeReward judgeReward(StageRun run, JudgeModel judge, LanguageModel reference) throws IOException {
    ExperimentSpec spec = run.spec();
    Constitution constitution = CollectPreferencesActivitiesImpl.constitution(spec);
    LanguageModel lm = judge.load(run);
    try {
      return new JudgeReward(lm, AiCollectActivitiesImpl.judge(lm, constitution, spec), constitution, reference,
          spec.ppo().maxNewTokens(), spec.seed());
    } catch (RuntimeException e) {
      lm.close();
      throw e;
    }
  }

  private static StageResult finish(StageRun run, PpoTrainer trainer, PpoModels models) throws IOException {
    long iterations = run.spec().ppo().iterations();
    Path dir = models.save(run.workDir("final"), CheckpointSpecs.of(run.context()), trainer.state(iterations));
    Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
    outputs.put(PpoResult.CHECKPOINT, run.services().store().putDirectory(dir.resolve(PpoModels.POLICY_DIR)));
    outputs.put(PpoResult.CRITIC, run.services().store().putDirectory(dir.resolve(PpoModels.CRITIC_DIR)));
    LoraModels.putMerged(run, models.policy, outputs); // with LoRA: the policy merged, a plain checkpoint
    Path curveFile = trainer.curve().write(run.workDir("curve").resolve("curve.json"));
    outputs.put(PpoResult.CURVE, run.services().store().put(curveFile));
    run.artifact(curveFile, "ppo");
    Map<String, Double> last = trainer.lastMetrics();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("ppo/final_rm_score", last.get("ppo/rm_score"));
    metrics.put("ppo/final_kl", last.get("ppo/objective/kl"));
    if (last.containsKey("ppo/oracle_score")) {
      metrics.put("ppo/final_oracle_score", last.get("ppo/oracle_score"));
    }
    return run.complete(outputs, metrics);
  }
}
