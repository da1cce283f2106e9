package org.rlhfflow.activities.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.ppo.PpoSpec;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.Weights;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.rl.AdaptiveKlController;
import org.rlhfflow.model.rl.FixedKlController;
import org.rlhfflow.model.rl.KlController;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * The four models of RLHF-PPO and the training state around them: the policy and its frozen
 * reference (both start as the SFT model), the critic (initialised from the reward model, as TRL
 * does, or a value head on the policy's trunk), the frozen reward model (or, with {@code
 * reward.source: judge}, the AI judge and a critic from the SFT trunk), one AdamW per trained
 * model, and the KL controller. A training checkpoint is {@code policy/} + {@code critic/}, each
 * with its optimizer's moments as extras and the trainer's state in its sidecar.
 */
final class PpoModels implements AutoCloseable {
  private static final NDIndex ALL = new NDIndex("...");
  static final String POLICY_DIR = "policy";
  static final String CRITIC_DIR = "critic";

  final LanguageModel policy;
  /** The frozen SFT model; null with LoRA, where the reference is the policy with its adapters off. */
  final LanguageModel reference;
  final ScalarHeadModel critic;
  /** The frozen reward model; null with {@code reward.source: judge}. */
  final ScalarHeadModel reward;
  /** The direct-RLAIF scorer; null unless {@code reward.source: judge}. */
  final JudgeReward judge;
  final AdamW policyOpt;
  final AdamW criticOpt;
  final KlController kl;

  private PpoModels(LanguageModel policy, LanguageModel reference, ScalarHeadModel critic,
      ScalarHeadModel reward, JudgeReward judge, PpoSpec ppo) {
    this.policy = policy;
    this.reference = reference;
    this.critic = critic;
    this.reward = reward;
    this.judge = judge;
    // Weight decay 0: TRL's PPO trainer inherits HF TrainingArguments.weight_decay = 0.
    this.policyOpt = AdamW.builder().setParameters(policy.parameters()).optWeightDecay(0).build();
    this.criticOpt = AdamW.builder().setParameters(critic.trainableParameters()).optWeightDecay(0).build();
    this.kl = ppo.adaptiveKl()
        ? new AdaptiveKlController(ppo.klCoef(), ppo.klTarget(), ppo.klHorizon())
        : new FixedKlController(ppo.klCoef());
  }

  /** Loads the SFT checkpoint twice (policy, reference) and the reward model; builds the critic. */
  static PpoModels open(Path sftDir, Path rewardDir, ExperimentSpec spec) throws IOException {
    return open(sftDir, sftDir, rewardDir, spec);
  }

  /**
   * As {@link #open(Path, Path, ExperimentSpec)}, the policy starting from {@code policyDir} (an
   * earlier round's policy) while the KL reference stays the frozen SFT model. The critic starts
   * afresh each round, as at the start of any PPO run.
   */
  static PpoModels open(Path policyDir, Path sftDir, Path rewardDir, ExperimentSpec spec) throws IOException {
    return open(LanguageModel.load(policyDir), sftDir, rewardDir, spec, null, null);
  }

  /** As below, scored by the reward model. */
  static PpoModels open(LanguageModel policy, Path sftDir, Path rewardDir, ExperimentSpec spec,
      LoraCheckpoint.BaseResolver bases) throws IOException {
    return open(policy, sftDir, rewardDir, spec, bases, null);
  }

  /** Builds the direct-RLAIF scorer once the frozen reference, whose replies are its baseline, is loaded. */
  @FunctionalInterface
  interface JudgeFactory {
    JudgeReward open(LanguageModel reference) throws IOException;
  }

  /**
   * As above with the policy already open (closed on failure). A policy with LoRA adapters needs
   * no second model: the reference is the policy with its adapters off ({@link #reference}). With
   * {@code rewardDir} null, {@code judge} scores the rollouts and the critic is a fresh value head
   * on a copy of the SFT trunk (there is no reward model to start it from).
   */
  static PpoModels open(LanguageModel policy, Path sftDir, Path rewardDir, ExperimentSpec spec,
      LoraCheckpoint.BaseResolver bases, JudgeFactory judge) throws IOException {
    LanguageModel reference = null;
    ScalarHeadModel reward = null;
    JudgeReward scorer = null;
    ScalarHeadModel critic = null;
    try {
      reference = policy.lora() != null ? null : LanguageModel.load(sftDir);
      if (rewardDir != null) {
        reward = bases == null ? ScalarHeadModel.load(rewardDir) : ScalarHeadModel.load(rewardDir, bases);
        checkRewardModel(reward, policy);
      } else if (reference == null) {
        throw new StageFailures.ValidationException("reward.source: judge does not run with model.lora yet"
            + " (the judge's baseline replies come from a separate SFT model)");
      } else {
        scorer = judge.open(reference);
      }
      long seed = Seeds.derive(spec.seed(), "ppo", "critic");
      critic = spec.model().shareCriticTrunk()
          ? ScalarHeadModel.sharingTrunk(ScalarHeadModel.Kind.VALUE, policy, seed)
          : reward != null ? valueFromReward(reward, seed)
          : ScalarHeadModel.fromLanguageModel(ScalarHeadModel.Kind.VALUE, reference, seed);
      return new PpoModels(policy, reference, critic, reward, scorer, spec.ppo());
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable c : new AutoCloseable[] {critic, scorer, reward, reference, policy}) {
        closeQuietly(c, e);
      }
      throw e;
    }
  }

  private static void checkRewardModel(ScalarHeadModel rm, LanguageModel policy) {
    if (rm.kind() != ScalarHeadModel.Kind.REWARD) {
      throw new StageFailures.ValidationException(
          "rewardModel: checkpoint kind is " + rm.kind() + ", expected REWARD");
    }
    if (!rm.tokenizer().describe().equals(policy.tokenizer().describe())) {
      throw new StageFailures.ValidationException("rewardModel: tokenizer " + rm.tokenizer().describe()
          + " differs from the SFT model's " + policy.tokenizer().describe());
    }
  }

  /**
   * A VALUE model with the reward model's trunk and head (TRL: value_model from the RM); a LoRA
   * reward model's adapters are merged into the critic's trunk, which trains in full.
   */
  private static ScalarHeadModel valueFromReward(ScalarHeadModel rm, long seed) {
    LanguageModel trunk;
    try (NDManager m = rm.manager().newSubManager()) {
      trunk = LanguageModel.fromWeights(rm.trunk().config(), rm.tokenizer(), rm.mergedTrunkWeights(m)); // copies
    }
    try {
      ScalarHeadModel v = ScalarHeadModel.fromLanguageModel(ScalarHeadModel.Kind.VALUE, trunk, seed);
      copyInto(v.headWeights(), rm.headWeights());
      return v;
    } finally {
      trunk.manager().close(); // not trunk.close(): the tokenizer is shared with rm and v
    }
  }

  /**
   * The policy's log-probs at the sampling temperature and the critic's per-position values for
   * one batch. With {@code model.share_critic_trunk} the critic is a head on the policy's trunk,
   * so the trunk runs once and both heads read its hidden states (a fused forward; under autograd
   * the trunk's backward then runs once, with both heads' gradients); otherwise each model runs
   * its own trunk.
   */
  PolicyAndValues policyAndValues(NDArray ids, NDArray mask, double temperature, boolean entropy) {
    if (critic.sharesTrunk() && critic.trunk() == policy.gpt()) {
      NDArray hidden = policy.gpt().hidden(ids, mask); // (B, T, C)
      return new PolicyAndValues(policy.scoreSampled(hidden, ids, mask, temperature, entropy),
          critic.valuesFromHidden(hidden));
    }
    return new PolicyAndValues(policy.scoreSampled(ids, mask, temperature, entropy), critic.values(ids, mask));
  }

  /** Policy scores (B, T) and per-position critic values (B, T). */
  record PolicyAndValues(org.rlhfflow.model.Scoring.TokenScores scores, NDArray values) {}

  /** {@code f} applied to the reference policy (see {@link LoraModels#reference}). */
  <T> T reference(java.util.function.Function<LanguageModel, T> f) {
    return LoraModels.reference(policy, reference, f);
  }

  /** Restores weights, optimizer moments and the KL coefficient; returns the trainer's state. */
  JsonNode restore(Path dir) throws IOException {
    try (NDManager m = policy.manager().newSubManager(); NoGrad ng = NoGrad.enter()) {
      Checkpoint.Loaded p = Checkpoint.load(dir.resolve(POLICY_DIR), m, shapes(policy.trainableWeights()));
      copyInto(policy.trainableWeights(), p.model()); // with LoRA, the adapters: the base is the same
      policyOpt.restoreState(p.extras());
      Checkpoint.Loaded c = Checkpoint.load(dir.resolve(CRITIC_DIR), m, shapes(critic.weights()));
      copyInto(critic.sharesTrunk() ? critic.headWeights() : critic.weights(), c.model());
      criticOpt.restoreState(c.extras());
      JsonNode state = p.meta().trainingState();
      kl.restore(state.path("kl_coef").asDouble());
      return state;
    }
  }

  /** Writes policy/ and critic/ under {@code dir} with both optimizer states and {@code state}. */
  Path save(Path dir, SpecStamp spec, JsonNode state) throws IOException {
    try (NDManager m = policy.manager().newSubManager()) {
      policy.save(dir.resolve(POLICY_DIR), policyOpt.stepCount(), spec, state, policyOpt.exportState(m));
      critic.save(dir.resolve(CRITIC_DIR), criticOpt.stepCount(), spec, state, criticOpt.exportState(m));
    }
    return dir;
  }

  private static Map<String, Shape> shapes(Map<String, NDArray> weights) {
    Map<String, Shape> out = new LinkedHashMap<>();
    weights.forEach((k, v) -> out.put(k, v.getShape()));
    return out;
  }

  /**
   * Copies the bytes of {@code src.get(k)} into every {@code dst.get(k)}, in place. An indexed copy
   * ({@code copy_}, bit-exact for one dtype) under no-grad, not {@code NDArray.set(Buffer)}, whose
   * native side enters PyTorch's deprecated AutoNonVariableTypeMode and prints a warning.
   */
  private static void copyInto(Map<String, NDArray> dst, Map<String, NDArray> src) {
    try (NoGrad g = NoGrad.enter()) {
      dst.forEach((k, d) -> {
        NDArray s = src.get(k);
        if (s == null || !s.getShape().equals(d.getShape())) {
          throw new StageFailures.ValidationException("checkpoint tensor " + k + " is missing or has the wrong shape");
        }
        d.set(ALL, s);
      });
    }
  }

  private static void closeQuietly(AutoCloseable c, Exception primary) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }

  @Override
  public void close() {
    policyOpt.close();
    criticOpt.close();
    critic.close();
    if (reward != null) {
      reward.close();
    }
    if (judge != null) {
      judge.close();
    }
    if (reference != null) {
      reference.close();
    }
    policy.close();
  }
}
