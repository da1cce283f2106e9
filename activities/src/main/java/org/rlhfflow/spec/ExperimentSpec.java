package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

import java.util.Map;
import org.rlhfflow.activities.collect.PreferenceSpec;
import org.rlhfflow.activities.dpo.DpoSpec;
import org.rlhfflow.activities.grpo.GrpoSpec;
import org.rlhfflow.activities.grpo.RewardSpec;
import org.rlhfflow.activities.grpo.RlooSpec;
import org.rlhfflow.activities.evaluate.EvaluationSpec;
import org.rlhfflow.activities.ppo.PpoSpec;
import org.rlhfflow.activities.rm.RewardModelSpec;
import org.rlhfflow.activities.pretrain.PretrainSpec;
import org.rlhfflow.activities.sft.SftSpec;
import org.rlhfflow.activities.rlcai.RlCaiSpec;
import org.rlhfflow.activities.slcai.SlCaiSpec;
import org.rlhfflow.activities.w2s.W2sSpec;

/**
 * One experiment, resolved: every section with every default filled in. Load it with {@link
 * SpecLoader#load}; its {@link #sha256()} identifies it in MLflow and in checkpoint metadata.
 *
 * <pre>{@code
 * ExperimentSpec spec = SpecLoader.load(Path.of("experiments/demo.yaml"));
 * int steps = spec.sft().totalSteps(spec.task().sftExamples());
 * }</pre>
 */
@Doc("Top level.")
public record ExperimentSpec(
    @Doc(value = "Experiment name: MLflow experiment and workflow id prefix.", required = true, def = "unnamed") String name,
    @Doc(value = "Root of every random stream; streams are derived from (seed, stage, step).", def = "0") long seed,
    @Doc("Free text: what the experiment is for.") String description,
    @Doc(value = "Tuning method: the registry stage that optimises the SFT policy: ppo (RM + PPO), dpo (no RM), grpo or rloo (RM or verifier rewards), sl_cai_sft (supervised Constitutional AI, section sl_cai), composed into the RlhfPipeline workflow; or weak_to_strong, the WeakToStrong workflow (section w2s).",
            source = "Ouyang et al. 2022; Rafailov et al. 2023; Shao et al. 2024; Ahmadian et al. 2024; Burns et al. 2023", def = "ppo")
        String method,
    ModelSpec model,
    TaskSpec task,
    DataSpec data,
    PreferenceSpec preferences,
    PretrainSpec pretrain,
    SftSpec sft,
    RewardModelSpec rewardModel,
    PpoSpec ppo,
    DpoSpec dpo,
    GrpoSpec grpo,
    RlooSpec rloo,
    RewardSpec reward,
    EvaluationSpec evaluation,
    ResourcesSpec resources,
    @Doc(value = "Last stage to run, a stage of the method's pipeline; e.g. reward_model to only train an RM.", def = "evaluate")
        String until,
    W2sSpec w2s,
    @Doc(value = "Iterated RLHF rounds (method ppo): SFT once, then this many rounds of collect -> reward model -> PPO, each round labelling samples of the previous round's policy, retraining the RM on all pairs so far and continuing PPO against the same SFT reference.",
            range = "[1, 10]", source = "Ouyang et al. 2022; Touvron et al. 2023 (Llama 2), iterative rounds", def = "1")
        int rounds,
    @Doc(value = "Supervised Constitutional AI (method sl_cai_sft): red-team critique-and-revision chains and SFT on the revisions; absent for every other method.",
            optional = true, source = "Bai et al. 2022")
        SlCaiSpec slCai,
    @Doc(value = "RL-CAI (method ppo): collect, reward model and PPO start from the SL-CAI policy (sections sl_cai, rl_cai), the AI judge labelling red-team pairs and the simulated humans helpful ones; absent for every other pipeline.",
            optional = true, source = "Bai et al. 2022, sec. 4")
        RlCaiSpec rlCai) {

  /** The method that fine-tunes the helpful-only model on its own constitutional revisions (SL-CAI). */
  public static final String SL_CAI = "sl_cai_sft";

  /** The method that selects the WeakToStrong workflow instead of a pipeline. */
  public static final String WEAK_TO_STRONG = "weak_to_strong";

  /** All defaults; {@code name} is a placeholder because a spec file must set it. */
  public static final ExperimentSpec DEFAULT = SpecDefaults.of(ExperimentSpec.class);

  public ExperimentSpec {
    if (!WEAK_TO_STRONG.equals(method)) { // w2s leaves the RLHF sections unused: their cross-checks do not apply
      checkRlhf(model, task, data, preferences, ppo, evaluation);
      // Fields are assigned after a compact constructor's body, so the rules get the values themselves.
      MethodRules.check(new MethodRules.Sections(method, model, task, data, ppo, dpo, grpo, rloo, reward));
      // Rounds re-collect pairs from the tuned policy and retrain the RM: only PPO has both.
      require(rounds <= 1 || "ppo".equals(method), "rounds", rounds + " rounds need method ppo, got " + method,
          "method");
      // With LoRA each PPO's reference is its own base (the policy it started from): a later round's
      // would be the previous round's policy, not the SFT model the rounds share.
      require(rounds <= 1 || model.lora() == null, "rounds", rounds + " rounds do not support model.lora yet",
          "model.lora");
      // Later rounds label samples of the previous policy: only simulated labellers do that in-process.
      require(rounds <= 1 || preferences.source() == PreferenceSpec.Source.SIMULATED, "rounds",
          rounds + " rounds need preferences.source simulated, got " + preferences.source().name().toLowerCase(),
          "preferences.source");
      require(reward.source() != RewardSpec.Source.JUDGE || preferences.ai().constitution() != null,
          "preferences.ai.constitution", "is required when reward.source is judge (the principles the judge applies)",
          "reward.source");
      require(slCai == null || SL_CAI.equals(method) || rlCai != null, "sl_cai",
          "method " + method + " does not use the sl_cai section; remove it or set method: " + SL_CAI, "method");
      // RL-CAI is PPO from the SL-CAI policy; its harmlessness labels come from the AI judge.
      require(rlCai == null || "ppo".equals(method), "rl_cai", "needs method ppo, got " + method, "method");
      require(rlCai == null || preferences.source() == PreferenceSpec.Source.AI, "rl_cai",
          "needs preferences.source ai (the judge labels the red-team pairs), got "
              + preferences.source().name().toLowerCase(), "preferences.source");
      require(rlCai == null || rounds <= 1, "rl_cai", "supports one round, got rounds " + rounds, "rounds");
      // The critique and revision requests come from the constitution, as the judge's questions do.
      require(!(SL_CAI.equals(method) || rlCai != null) || preferences.ai().constitution() != null, "preferences.ai.constitution",
          "is required by method " + SL_CAI + " and by rl_cai (its principles' critique and revision requests)", "method");
    }
  }

  /** The sl_cai section, or its defaults when the spec leaves it out. */
  public SlCaiSpec slCaiOrDefault() {
    return slCai == null ? SlCaiSpec.DEFAULT : slCai;
  }

  /** Whether this is an RL-CAI pipeline: collect mixes AI and simulated labels (section rl_cai). */
  public boolean runsRlCai() {
    return rlCai != null;
  }

  /** Whether collect, RM and PPO start from the SL-CAI policy (RL-CAI), which then runs first. */
  public boolean rlFromSlCai() {
    return rlCai != null && rlCai.fromSlCai();
  }

  /** Whether this spec is for the WeakToStrong workflow. */
  public boolean runsWeakToStrong() {
    return WEAK_TO_STRONG.equals(method);
  }

  private static void checkRlhf(ModelSpec model, TaskSpec task, DataSpec data, PreferenceSpec preferences,
      PpoSpec ppo, EvaluationSpec evaluation) {
    require(
        ppo.maxNewTokens() < model.blockSize(),
        "ppo.max_new_tokens",
        ppo.maxNewTokens() + " leaves no room for the prompt in model.block_size " + model.blockSize(),
        "model.block_size");
    require(
        preferences.maxNewTokens() < model.blockSize(),
        "preferences.max_new_tokens",
        preferences.maxNewTokens() + " leaves no room for the prompt in model.block_size " + model.blockSize(),
        "model.block_size");
    require(
        evaluation.maxNewTokens() < model.blockSize(),
        "evaluation.max_new_tokens",
        evaluation.maxNewTokens() + " leaves no room for the prompt in model.block_size " + model.blockSize(),
        "model.block_size");
    require(
        evaluation.prompts() <= task.heldoutPrompts(),
        "evaluation.prompts",
        evaluation.prompts() + " is more than task.heldout_prompts " + task.heldoutPrompts(),
        "task.heldout_prompts");
    require(
        preferences.source() != PreferenceSpec.Source.DATASET || data.preferenceDataset() != null,
        "preferences.source",
        "dataset needs data.preference_dataset");
    require(
        preferences.source() != PreferenceSpec.Source.AI || preferences.ai().constitution() != null,
        "preferences.ai.constitution",
        "is required when preferences.source is ai (the principles the judge applies)",
        "preferences.source");
  }

  /** Whether the pipeline trains a reward model: PPO always, GRPO and RLOO unless the verifier rewards. */
  public boolean usesRewardModel() {
    return MethodRules.usesRewardModel(method, reward);
  }

  /** Whether the pipeline needs preference pairs: for a reward model or for DPO. */
  public boolean usesPreferences() {
    return MethodRules.usesPreferences(method, reward);
  }

  /** The same spec with another seed (e.g. {@code rlhf demo --seed 3}). */
  public ExperimentSpec withSeed(long newSeed) {
    return SpecTree.with(this, "seed", newSeed);
  }

  /** A spec with every default and the given name. */
  public static ExperimentSpec named(String name) {
    return SpecTree.with(DEFAULT, "name", name);
  }

  /** JSON with sorted snake_case keys and every default resolved: equal specs give equal bytes. */
  public String canonicalJson() {
    return SpecTree.json(SpecTree.toTree(this));
  }

  /** Lowercase hex sha256 of {@link #canonicalJson()}. */
  public String sha256() {
    return SpecTree.sha256(canonicalJson());
  }

  /** {@code section.key -> value} for every set value (e.g. {@code ppo.kl_coef -> 0.05}): MLflow params. */
  public Map<String, String> flatten() {
    return SpecTree.flatten(SpecTree.toTree(this));
  }

  /**
   * Canonical JSON of one section or key, e.g. {@code stageJson("ppo")} or {@code
   * stageJson("preferences.source")}: part of the cache key of the stages that read it.
   *
   * @param section a snake_case section key such as {@code sft} or a dotted key path
   */
  public String stageJson(String section) {
    return SpecTree.json(SpecTree.at(SpecTree.toTree(this), section));
  }
}
