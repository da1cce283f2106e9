package org.rlhfflow.data;

import java.util.List;
import java.util.Objects;

/**
 * One comparison: for {@code prompt}, the annotator preferred {@code chosen} over {@code rejected}.
 * Responses exclude the prompt, as in TRL's explicit-prompt format.
 *
 * @param prompt shared conversation prefix
 * @param chosen preferred continuation
 * @param rejected dispreferred continuation
 * @param margin how strongly chosen is preferred (e.g. Llama 2's rating gap); null if unknown
 * @param source where the pair came from, e.g. {@code simulated}, {@code hh-rlhf}; null if unknown
 * @param annotator who labelled it; null if unknown
 * @param tags free labels (e.g. a subset name); empty if none, never null
 */
public record PreferencePair(
    String prompt, String chosen, String rejected, Double margin, String source, String annotator, List<String> tags) {

  public PreferencePair {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(chosen, "chosen");
    Objects.requireNonNull(rejected, "rejected");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A pair with no margin, source, annotator or tags. */
  public static PreferencePair of(String prompt, String chosen, String rejected) {
    return new PreferencePair(prompt, chosen, rejected, null, null, null, List.of());
  }
}
