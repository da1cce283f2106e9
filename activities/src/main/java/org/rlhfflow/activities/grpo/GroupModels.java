package org.rlhfflow.activities.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.optim.AdamW;

/**
 * The models of a critic-free group method: the policy, its frozen SFT reference, the frozen reward
 * model (null with verifier rewards) and the policy's AdamW. A training checkpoint is the policy's
 * checkpoint directory with the AdamW moments as extras and the trainer's state in its sidecar.
 */
final class GroupModels implements AutoCloseable {
  final LanguageModel policy;
  final LanguageModel reference;
  final ScalarHeadModel reward;
  final AdamW opt;

  private GroupModels(LanguageModel policy, LanguageModel reference, ScalarHeadModel reward) {
    this.policy = policy;
    this.reference = reference;
    this.reward = reward;
    // Weight decay 0, as TRL's trainers inherit from HF TrainingArguments.
    this.opt = AdamW.builder().setParameters(policy.parameters()).optWeightDecay(0).build();
  }

  /**
   * @param policyDir the SFT checkpoint, or a training checkpoint to resume from
   * @param rewardDir the reward model, or null for verifier rewards
   */
  static GroupModels open(Path policyDir, Path sftDir, Path rewardDir) throws IOException {
    return open(LanguageModel.load(policyDir), sftDir, rewardDir, null);
  }

  /**
   * As above with the policy already open (closed on failure); a policy with LoRA adapters is its
   * own reference with the adapters off ({@link #reference}), so no second model is loaded.
   */
  static GroupModels open(LanguageModel policy, Path sftDir, Path rewardDir,
      org.rlhfflow.model.lora.LoraCheckpoint.BaseResolver bases) throws IOException {
    LanguageModel reference = null;
    ScalarHeadModel reward = null;
    try {
      reference = policy.lora() != null ? null : LanguageModel.load(sftDir);
      if (rewardDir != null) {
        reward = bases == null ? ScalarHeadModel.load(rewardDir) : ScalarHeadModel.load(rewardDir, bases);
        if (reward.kind() != ScalarHeadModel.Kind.REWARD
            || !reward.tokenizer().describe().equals(policy.tokenizer().describe())) {
          throw new StageFailures.ValidationException("rewardModel: kind " + reward.kind() + ", tokenizer "
              + reward.tokenizer().describe() + "; need a REWARD model with the policy's tokenizer "
              + policy.tokenizer().describe());
        }
      }
      return new GroupModels(policy, reference, reward);
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable c : new AutoCloseable[] {reward, reference, policy}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      throw e;
    }
  }

  /** {@code f} applied to the reference policy (see {@link LoraModels#reference}). */
  <T> T reference(java.util.function.Function<LanguageModel, T> f) {
    return LoraModels.reference(policy, reference, f);
  }

  /** Restores the optimizer from a resumed policy checkpoint; returns the trainer's state. */
  JsonNode restore() {
    opt.restoreState(policy.checkpointExtras());
    return policy.checkpointMeta().trainingState();
  }

  Path save(Path dir, String specSha256, JsonNode state, boolean withOptimizer) throws IOException {
    try (var m = policy.manager().newSubManager()) {
      policy.save(dir, opt.stepCount(), specSha256, state, withOptimizer ? opt.exportState(m) : null);
    }
    return dir;
  }

  @Override
  public void close() {
    opt.close();
    if (reward != null) {
      reward.close();
    }
    if (reference != null) {
      reference.close();
    }
    policy.close();
  }
}
