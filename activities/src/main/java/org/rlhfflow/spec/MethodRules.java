package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

import java.util.List;
import org.rlhfflow.activities.dpo.DpoSpec;
import org.rlhfflow.activities.grpo.GrpoSpec;
import org.rlhfflow.activities.grpo.RewardSpec;
import org.rlhfflow.activities.grpo.RlooSpec;
import org.rlhfflow.activities.ppo.PpoSpec;
import org.rlhfflow.tasks.Task;

/**
 * Cross-section rules of {@code method:}: a spec that sets another method's section or asks for a
 * verifier the task does not have fails at load time, at the offending line, instead of silently
 * ignoring what the user wrote. (An {@code until:} outside the method's pipeline is refused by the
 * stage registry's plan.)
 */
final class MethodRules {
  /** The methods with a spec section of their own. */
  static final List<String> METHODS = List.of("ppo", "dpo", "grpo", "rloo");

  private MethodRules() {}

  /** The sections the rules read (an ExperimentSpec under construction has no fields yet). */
  record Sections(String method, ModelSpec model, TaskSpec task, DataSpec data, PpoSpec ppo, DpoSpec dpo,
      GrpoSpec grpo, RlooSpec rloo, RewardSpec reward) {}

  static boolean usesRewardModel(String method, RewardSpec reward) {
    return ("ppo".equals(method) && reward.source() != RewardSpec.Source.JUDGE)
        || (("grpo".equals(method) || "rloo".equals(method)) && reward.source() == RewardSpec.Source.REWARD_MODEL);
  }

  static boolean usesPreferences(String method, RewardSpec reward) {
    return "dpo".equals(method) || usesRewardModel(method, reward);
  }

  static void check(Sections s) {
    String method = s.method();
    for (String other : METHODS) {
      require(other.equals(method) || isDefault(s, other), other,
          "method " + method + " does not use the " + other + " section, but it sets values; remove them or set method: "
              + other, "method");
    }
    boolean verifier = s.reward().source() == RewardSpec.Source.VERIFIER;
    require(s.reward().source() != RewardSpec.Source.JUDGE || "ppo".equals(method), "reward.source",
        "judge rewards (direct RLAIF) are for method ppo, not " + method, "method");
    require(!verifier || "grpo".equals(method) || "rloo".equals(method), "reward.source",
        "verifier rewards are for method grpo or rloo, not " + method, "method");
    require(!verifier || s.data().promptDataset() == null, "reward.source",
        "verifier: prompts from data.prompt_dataset have no verifier; unset it to use task " + s.task().name()
            + "'s prompts", "data.prompt_dataset");
    require(!verifier || Task.hasVerifier(s.task().name()), "reward.source",
        "verifier: task " + s.task().name() + " has no verifier (tasks with one: " + Task.WITH_VERIFIER + ")",
        "task.name");
    int newTokens = switch (method) {
      case "grpo" -> s.grpo().maxNewTokens();
      case "rloo" -> s.rloo().maxNewTokens();
      default -> 0;
    };
    require(newTokens < s.model().blockSize(), method + ".max_new_tokens",
        newTokens + " leaves no room for the prompt in model.block_size " + s.model().blockSize(),
        "model.block_size");
  }

  private static boolean isDefault(Sections s, String m) {
    return switch (m) {
      case "ppo" -> s.ppo().equals(PpoSpec.DEFAULT);
      case "dpo" -> s.dpo().equals(DpoSpec.DEFAULT);
      case "grpo" -> s.grpo().equals(GrpoSpec.DEFAULT);
      case "rloo" -> s.rloo().equals(RlooSpec.DEFAULT);
      default -> true;
    };
  }
}
