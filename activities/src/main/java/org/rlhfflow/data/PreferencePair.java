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
 * @param softLabel P(chosen is preferred) in [0.5, 1] when the labeller gave a probability (an AI
 *     judge, Lee et al. 2023); null for a hard label
 * @param principle id of the constitution principle the pair was judged under; null if none
 * @param judgeSha256 digest of the judge model that labelled the pair; null if not a model
 */
public record PreferencePair(
    String prompt, String chosen, String rejected, Double margin, String source, String annotator, List<String> tags,
    Double softLabel, String principle, String judgeSha256) {

  public PreferencePair {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(chosen, "chosen");
    Objects.requireNonNull(rejected, "rejected");
    tags = tags == null ? List.of() : List.copyOf(tags);
    if (softLabel != null && !(softLabel >= 0.5 && softLabel <= 1)) {
      throw new IllegalArgumentException("soft_label must be in [0.5, 1] (chosen is the preferred one), got: " + softLabel);
    }
  }

  /** A hard-labelled pair (no soft label, principle or judge). */
  public PreferencePair(
      String prompt, String chosen, String rejected, Double margin, String source, String annotator, List<String> tags) {
    this(prompt, chosen, rejected, margin, source, annotator, tags, null, null, null);
  }

  /** A pair with no margin, source, annotator or tags. */
  public static PreferencePair of(String prompt, String chosen, String rejected) {
    return new PreferencePair(prompt, chosen, rejected, null, null, null, List.of());
  }
}
