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
    ModelSpec model,
    TaskSpec task,
    DataSpec data,
    PreferenceSpec preferences,
    PretrainSpec pretrain,
    SftSpec sft,
    RewardModelSpec rewardModel,
    PpoSpec ppo,
    EvaluationSpec evaluation,
    ResourcesSpec resources,
    @Doc("Last stage to run: collect, sft, reward_model, ppo or evaluate; e.g. reward_model to only train an RM.")
        Until until) {

  /** The last stage a pipeline runs. */
  public enum Until {
    COLLECT,
    SFT,
    REWARD_MODEL,
    PPO,
    EVALUATE
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
    require(
        preferences.source() != PreferenceSpec.Source.AI || preferences.ai().constitution() != null,
        "preferences.ai.constitution",
        "is required when preferences.source is ai (the principles the judge applies)",
        "preferences.source");
  }

  /** The same spec with another seed (e.g. {@code rlhf demo --seed 3}). */
  public ExperimentSpec withSeed(long newSeed) {
    return new ExperimentSpec(name, newSeed, description, model, task, data, preferences, pretrain, sft, rewardModel, ppo,
        evaluation, resources, until);
  }

  /** A spec with every default and the given name. */
  public static ExperimentSpec named(String name) {
    return new ExperimentSpec(name, 0L, null, ModelSpec.DEFAULT, TaskSpec.DEFAULT, DataSpec.DEFAULT,
        PreferenceSpec.DEFAULT, PretrainSpec.DEFAULT, SftSpec.DEFAULT, RewardModelSpec.DEFAULT, PpoSpec.DEFAULT,
        EvaluationSpec.DEFAULT, ResourcesSpec.DEFAULT, Until.EVALUATE);
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
