package org.rlhfflow.activities.grpo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.rlhfflow.activities.Models;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.Task;

/**
 * The GRPO and RLOO stages' work: one critic-free trainer ({@link GroupTrainer}) with two spec sections.
 * Rewards come from the reward model or, with {@code reward.source: verifier}, from the task's
 * rule, so no reward model is trained at all (RLVR). Outputs {@code checkpoint} (the policy).
 */
final class GroupPolicyRunner {
  private final StageServices services;

  GroupPolicyRunner(StageServices services) {
    this.services = services;
  }

  /** The stage with its resume point and checkpoint events injectable, for tests. */
  StageResult execute(StageDef<?, ?> def, GroupPolicyInput input, Function<StageRun, Optional<Progress>> resume,
      Consumer<Progress> onCheckpoint) {
    String stage = def.name();
    Map<String, String> inputs = new LinkedHashMap<>();
    try {
      ExperimentSpec spec = SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment());
      boolean verifier = spec.reward().source() == RewardSpec.Source.VERIFIER;
      if (input.sftModel() == null || (!verifier && input.rewardModel() == null)) {
        throw new StageFailures.ValidationException(stage + " needs sftModel" + (verifier ? "" : " and rewardModel")
            + ", got " + input);
      }
      inputs.put("sft_model", input.sftModel().sha256());
      if (!verifier) {
        inputs.put("reward_model", input.rewardModel().sha256());
      }
      GroupPrompts prompts = GroupPrompts.of(spec);
      inputs.put("prompts", prompts.digest());
    } catch (IOException | RuntimeException e) {
      var failure = StageFailures.nonRetryable(stage, e);
      if (failure != null) {
        throw failure;
      }
      throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((IOException) e);
    }
    return StageRun.execute(services, input.ctx(), def, inputs, run -> train(run, stage, input, resume, onCheckpoint));
  }

  private StageResult train(StageRun run, String stage, GroupPolicyInput input,
      Function<StageRun, Optional<Progress>> resume, Consumer<Progress> onCheckpoint) throws IOException {
    ExperimentSpec spec = run.spec();
    GroupSettings s = GroupStages.GRPO.equals(stage) ? GroupSettings.of(spec.grpo()) : GroupSettings.of(spec.rloo());
    boolean verifier = spec.reward().source() == RewardSpec.Source.VERIFIER;
    GroupPrompts prompts = GroupPrompts.of(spec);
    Optional<Progress> from = resume.apply(run).filter(p -> p.checkpoint() != null && p.step() > 0);
    Path sft = Models.fetch(run, input.sftModel(), "sft");
    Path policyDir = from.isPresent() ? Models.fetch(run, from.get().checkpoint(), "resume") : sft;
    Path rm = verifier ? null : Models.fetch(run, input.rewardModel(), "reward_model");
    LanguageModel policy = LanguageModel.load(policyDir, LoraModels.resolver(run));
    if (from.isEmpty()) { // with model.lora: the SFT model frozen as the base, fresh adapters on it
      policy = LoraModels.adapt(run, policy, input.sftModel(), stage);
    }
    try (GroupModels models = GroupModels.open(policy, sft, rm, LoraModels.resolver(run))) {
      prompts.checkFits(models.policy.tokenizer(), models.policy.config().blockSize(), s.maxNewTokens(), stage);
      long start = 0;
      if (from.isPresent()) {
        start = GroupTrainer.iterationOf(models.restore(), from.get().checkpoint().sha256());
      }
      Task verifierTask = verifier ? verifierOf(prompts) : null;
      GroupSampler sampler = new GroupSampler(models, s, verifierTask, prompts.task());
      GroupTrainer trainer = new GroupTrainer(run, models, prompts, sampler, s, onCheckpoint);
      trainer.train(start);
      Path dir = models.save(run.workDir("final"), run.context().specSha256(), trainer.state(s.iterations()), false);
      Map<String, ArtifactRef> outputs = new java.util.LinkedHashMap<>();
      outputs.put("checkpoint", run.services().store().putDirectory(dir));
      LoraModels.putMerged(run, models.policy, outputs); // with LoRA: the policy merged, a plain checkpoint
      Map<String, Double> last = trainer.lastMetrics();
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put(stage + "/final_reward", last.get(stage + "/reward"));
      metrics.put(stage + "/final_kl", last.get(stage + "/objective/kl"));
      if (last.containsKey(stage + "/oracle_score")) {
        metrics.put(stage + "/final_oracle_score", last.get(stage + "/oracle_score"));
      }
      return run.complete(outputs, metrics);
    }
  }

  /** The task's rule as the reward; the spec check already refused tasks without one. */
  private static Task verifierOf(GroupPrompts prompts) {
    if (prompts.task() == null || !prompts.task().isVerifier()) {
      throw new StageFailures.ValidationException("reward.source: verifier needs a task with a verifier; "
          + (prompts.task() == null ? "data.prompt_dataset prompts have none" : prompts.task().name() + " has none"));
    }
    return prompts.task();
  }
}
