package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

import java.util.Map;

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
    @Doc(value = "Experiment name: MLflow experiment and workflow id prefix.", required = true) String name,
    @Doc("Root of every random stream; streams are derived from (seed, stage, step).") long seed,
    @Doc("Free text: what the experiment is for.") String description,
    @Doc(value = "The preference-learning method after SFT: ppo (RM + PPO), dpo (no RM), grpo or rloo (RM or verifier rewards).",
            source = "Ouyang et al. 2022; Rafailov et al. 2023; Shao et al. 2024; Ahmadian et al. 2024")
        Method method,
    ModelSpec model,
    TaskSpec task,
    DataSpec data,
    PreferenceSpec preferences,
    SftSpec sft,
    RewardModelSpec rewardModel,
    PpoSpec ppo,
    DpoSpec dpo,
    GrpoSpec grpo,
    RlooSpec rloo,
    RewardSpec reward,
    EvaluationSpec evaluation,
    ResourcesSpec resources,
    @Doc("Last stage to run: collect, sft, reward_model, the method's stage (ppo, dpo, grpo, rloo) or evaluate; e.g. reward_model to only train an RM.")
        Until until) {

  /** The last stage a pipeline runs. */
  public enum Until {
    COLLECT,
    SFT,
    REWARD_MODEL,
    PPO,
    DPO,
    GRPO,
    RLOO,
    EVALUATE
  }

  /** How the policy learns from preferences or rewards after SFT. */
  public enum Method {
    PPO,
    DPO,
    GRPO,
    RLOO;

    /** The stage name, e.g. {@code dpo}: also the key of its spec section. */
    public String stage() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** All defaults; {@code name} is a placeholder because a spec file must set it. */
  public static final ExperimentSpec DEFAULT = named("unnamed");

  public ExperimentSpec {
    require(
        ppo.maxNewTokens() < model.blockSize(),
        "ppo.max_new_tokens",
        ppo.maxNewTokens() + " leaves no room for the prompt in model.block_size " + model.blockSize(),
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
    // Fields are assigned after a compact constructor's body, so the rules get the values themselves.
    MethodRules.check(new MethodRules.Sections(method, model, task, data, ppo, dpo, grpo, rloo, reward, until));
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
    return new ExperimentSpec(name, newSeed, description, method, model, task, data, preferences, sft, rewardModel,
        ppo, dpo, grpo, rloo, reward, evaluation, resources, until);
  }

  /** A spec with every default and the given name. */
  public static ExperimentSpec named(String name) {
    return new ExperimentSpec(name, 0L, null, Method.PPO, ModelSpec.DEFAULT, TaskSpec.DEFAULT, DataSpec.DEFAULT,
        PreferenceSpec.DEFAULT, SftSpec.DEFAULT, RewardModelSpec.DEFAULT, PpoSpec.DEFAULT, DpoSpec.DEFAULT,
        GrpoSpec.DEFAULT, RlooSpec.DEFAULT, RewardSpec.DEFAULT, EvaluationSpec.DEFAULT, ResourcesSpec.DEFAULT,
        Until.EVALUATE);
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
   * Canonical JSON of one section, e.g. {@code stageJson("ppo")}: part of that stage's cache key.
   *
   * @param section a snake_case section key such as {@code sft}, {@code reward_model}, {@code ppo}
   */
  public String stageJson(String section) {
    Object node = SpecTree.toTree(this).get(section);
    if (!(node instanceof Map)) {
      throw new IllegalArgumentException(
          "no spec section \"" + section + "\"; sections: " + SpecTree.sectionKeys(ExperimentSpec.class));
    }
    return SpecTree.json(node);
  }
}
