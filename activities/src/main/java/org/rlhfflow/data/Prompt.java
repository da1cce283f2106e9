package org.rlhfflow.data;

import java.util.Objects;

/**
 * A prompt for rollouts or evaluation.
 *
 * @param prompt the text the policy continues
 * @param id optional stable identifier (null when the source has none)
 */
public record Prompt(String prompt, String id) {
  public Prompt {
    Objects.requireNonNull(prompt, "prompt");
  }

  public static Prompt of(String prompt) {
    return new Prompt(prompt, null);
  }
}
