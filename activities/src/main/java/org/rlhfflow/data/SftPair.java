package org.rlhfflow.data;

import java.util.Objects;

/**
 * A demonstration: the response a good policy gives to the prompt.
 *
 * @param prompt conditioning text (no loss on it)
 * @param response target text (the SFT loss is on these tokens)
 */
public record SftPair(String prompt, String response) {
  public SftPair {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(response, "response");
  }
}
