package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

import java.util.List;
import org.rlhfflow.spec.ExperimentSpec.Method;
import org.rlhfflow.spec.ExperimentSpec.Until;
import org.rlhfflow.tasks.Task;

/**
 * Cross-section rules of {@code method:}: a spec that sets another method's section, asks for a
 * verifier the task does not have, or stops at a stage its method does not run fails at load time,
 * at the offending line, instead of silently ignoring what the user wrote.
 */
final class MethodRules {
  private MethodRules() {}

  /** The sections the rules read (an ExperimentSpec under construction has no fields yet). */
  record Sections(Method method, ModelSpec model, TaskSpec task, DataSpec data, PpoSpec ppo, DpoSpec dpo,
      GrpoSpec grpo, RlooSpec rloo, RewardSpec reward, Until until) {}

  static boolean usesRewardModel(Method method, RewardSpec reward) {
    return method == Method.PPO || (method != Method.DPO && reward.source() == RewardSpec.Source.REWARD_MODEL);
  }

  static boolean usesPreferences(Method method, RewardSpec reward) {
    return method == Method.DPO || usesRewardModel(method, reward);
  }

  static void check(Sections s) {
    Method method = s.method();
    for (Method other : Method.values()) {
      require(other == method || isDefault(s, other), other.stage(),
          "method " + method.stage() + " does not use the " + other.stage()
              + " section, but it sets values; remove them or set method: " + other.stage(), "method");
    }
    boolean verifier = s.reward().source() == RewardSpec.Source.VERIFIER;
    require(!verifier || method == Method.GRPO || method == Method.RLOO, "reward.source",
        "verifier rewards are for method grpo or rloo, not " + method.stage(), "method");
    require(!verifier || s.data().promptDataset() == null, "reward.source",
        "verifier: prompts from data.prompt_dataset have no verifier; unset it to use task " + s.task().name()
            + "'s prompts", "data.prompt_dataset");
    require(!verifier || Task.hasVerifier(s.task().name()), "reward.source",
        "verifier: task " + s.task().name() + " has no verifier (tasks with one: " + Task.WITH_VERIFIER + ")",
        "task.name");
    int newTokens = switch (method) {
      case GRPO -> s.grpo().maxNewTokens();
      case RLOO -> s.rloo().maxNewTokens();
      default -> 0;
    };
    require(newTokens < s.model().blockSize(), method.stage() + ".max_new_tokens",
        newTokens + " leaves no room for the prompt in model.block_size " + s.model().blockSize(),
        "model.block_size");
    List<Until> allowed = stages(s);
    require(allowed.contains(s.until()), "until",
        s.until().name().toLowerCase() + " is not a stage of method " + method.stage() + " here; stages: "
            + allowed.stream().map(u -> u.name().toLowerCase()).toList(), "method");
  }

  /** The stages {@code until} may name for this spec's method and reward source. */
  static List<Until> stages(Sections s) {
    Until own = Until.valueOf(s.method().name());
    if (!usesPreferences(s.method(), s.reward())) {
      return List.of(Until.SFT, own, Until.EVALUATE);
    }
    if (!usesRewardModel(s.method(), s.reward())) {
      return List.of(Until.COLLECT, Until.SFT, own, Until.EVALUATE);
    }
    return List.of(Until.COLLECT, Until.SFT, Until.REWARD_MODEL, own, Until.EVALUATE);
  }

  private static boolean isDefault(Sections s, Method m) {
    return switch (m) {
      case PPO -> s.ppo().equals(PpoSpec.DEFAULT);
      case DPO -> s.dpo().equals(DpoSpec.DEFAULT);
      case GRPO -> s.grpo().equals(GrpoSpec.DEFAULT);
      case RLOO -> s.rloo().equals(RlooSpec.DEFAULT);
    };
  }
}
