package org.rlhfflow.activities.rlcai;

import java.util.List;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.tasks.Task;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * The collect stage's prompts under RL-CAI: {@code round(prompts * harmless_fraction)} red-team
 * prompts for the AI judge and the rest helpful prompts for the simulated humans, each drawn from a
 * stream of its own so that changing the fraction reorders neither list.
 *
 * <pre>{@code
 * RlCaiPrompts.Split s = RlCaiPrompts.split(spec); // s.redTeam() -> judge, s.helpful() -> annotator
 * }</pre>
 */
public final class RlCaiPrompts {
  /** The two halves of the preference data, in prompt order. */
  public record Split(List<String> redTeam, List<String> helpful) {}

  private RlCaiPrompts() {}

  public static Split split(ExperimentSpec spec) {
    int n = spec.preferences().prompts();
    int red = redTeamCount(spec);
    return new Split(draw(spec, AssistantTask.RED_TEAM, red), draw(spec, AssistantTask.HELPFUL, n - red));
  }

  /** {@code round(prompts * harmless_fraction)}: how many red-team prompts the judge labels. */
  public static int redTeamCount(ExperimentSpec spec) {
    return (int) Math.round(spec.preferences().prompts() * spec.rlCai().harmlessFraction());
  }

  private static List<String> draw(ExperimentSpec spec, String split, int n) {
    if (n == 0) {
      return List.of();
    }
    Task task = Task.named(spec.task().name());
    if (!(task instanceof AssistantTask)) {
      throw new ValidationException("rl_cai: task " + spec.task().name() + " has no " + split
          + " prompts; RL-CAI runs on task " + AssistantTask.NAME);
    }
    try {
      return task.prompts(split, n, Seeds.derive(spec.seed(), "rl_cai", split));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("rl_cai: preferences.prompts " + spec.preferences().prompts()
          + " at harmless_fraction " + spec.rlCai().harmlessFraction() + ": " + e.getMessage());
    }
  }
}
