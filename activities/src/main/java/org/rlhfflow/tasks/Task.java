package org.rlhfflow.tasks;

import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * A built-in task with a programmatic oracle. The oracle stands in for human labellers and is the
 * evaluation's ground truth; the reward model and the policy never see it, only the preferences the
 * simulated annotator derives from it.
 */
public interface Task {

  String name();

  /**
   * {@code n} distinct prompts of a split ("train" or "heldout"). The splits are disjoint by
   * construction and the result depends only on (split, n, seed).
   */
  List<String> prompts(String split, int n, long seed);

  /** A demonstration for SFT: a correct response corrupted by the task's systematic mistakes. */
  String demonstration(String prompt, double noise, SplittableRandom rng);

  /** The hidden preference: how good {@code response} is for {@code prompt}, in [0, 1]. */
  double oracleScore(String prompt, String response);

  /** A generous bound on a good response's length in tokens, for generation. */
  int maxResponseTokens();

  /**
   * Whether the oracle is a programmatic verifier that may also train a policy (RLVR): a rule the
   * task states, not a hidden preference. The digits rule (count on from the last digit for
   * exactly 8 digits) is checkable by anyone, so it is.
   */
  default boolean isVerifier() {
    return false;
  }

  /** Built-in tasks whose oracle is a verifier. */
  java.util.List<String> WITH_VERIFIER = java.util.List.of(DigitsTask.NAME);

  /** Whether the built-in task {@code name} has a verifier; false for unknown names. */
  static boolean hasVerifier(String name) {
    return WITH_VERIFIER.contains(name);
  }

  static Task named(String name) {
    return switch (name) {
      case DigitsTask.NAME -> new DigitsTask();
      case AssistantTask.NAME -> new AssistantTask();
      default -> throw new IllegalArgumentException("unknown task '" + name + "'; built-in tasks: ["
          + DigitsTask.NAME + ", " + AssistantTask.NAME + "]");
    };
  }
}
