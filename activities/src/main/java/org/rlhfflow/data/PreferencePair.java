package org.rlhfflow.data;

import java.util.Arrays;
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
 * @param chosenIds the chosen response's token ids as sampled, EOS last only if the sampler emitted
 *     it; null for text from elsewhere. Decoding and re-encoding is not an identity (bytes that are
 *     not UTF-8, non-canonical BPE merges) and loses whether the response was cut off, so the
 *     reward model trains on these ids when present: on what PPO will score.
 * @param rejectedIds the same for the rejected response
 * @param softLabel P(chosen is preferred) in [0.5, 1] when the labeller gave a probability (an AI
 *     judge, Lee et al. 2023); null for a hard label
 * @param principle id of the constitution principle the pair was judged under; null if none
 * @param judgeSha256 digest of the judge model that labelled the pair; null if not a model
 */
public record PreferencePair(
    String prompt, String chosen, String rejected, Double margin, String source, String annotator, List<String> tags,
    int[] chosenIds, int[] rejectedIds, Double softLabel, String principle, String judgeSha256) {

  public PreferencePair {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(chosen, "chosen");
    Objects.requireNonNull(rejected, "rejected");
    tags = tags == null ? List.of() : List.copyOf(tags);
    chosenIds = chosenIds == null ? null : chosenIds.clone();
    rejectedIds = rejectedIds == null ? null : rejectedIds.clone();
    if (softLabel != null && !(softLabel >= 0.5 && softLabel <= 1)) {
      throw new IllegalArgumentException("soft_label must be in [0.5, 1] (chosen is the preferred one), got: " + softLabel);
    }
  }

  /** A pair with sampled token ids and a hard label. */
  public PreferencePair(String prompt, String chosen, String rejected, Double margin, String source, String annotator,
      List<String> tags, int[] chosenIds, int[] rejectedIds) {
    this(prompt, chosen, rejected, margin, source, annotator, tags, chosenIds, rejectedIds, null, null, null);
  }

  /** A pair of texts with no sampled token ids. */
  public PreferencePair(
      String prompt, String chosen, String rejected, Double margin, String source, String annotator, List<String> tags) {
    this(prompt, chosen, rejected, margin, source, annotator, tags, null, null, null, null, null);
  }

  /** A pair with no margin, source, annotator or tags. */
  public static PreferencePair of(String prompt, String chosen, String rejected) {
    return new PreferencePair(prompt, chosen, rejected, null, null, null, List.of());
  }

  @Override
  public int[] chosenIds() {
    return chosenIds == null ? null : chosenIds.clone();
  }

  @Override
  public int[] rejectedIds() {
    return rejectedIds == null ? null : rejectedIds.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreferencePair p && prompt.equals(p.prompt) && chosen.equals(p.chosen)
        && rejected.equals(p.rejected) && Objects.equals(margin, p.margin) && Objects.equals(source, p.source)
        && Objects.equals(annotator, p.annotator) && tags.equals(p.tags) && Arrays.equals(chosenIds, p.chosenIds)
        && Arrays.equals(rejectedIds, p.rejectedIds) && Objects.equals(softLabel, p.softLabel)
        && Objects.equals(principle, p.principle) && Objects.equals(judgeSha256, p.judgeSha256);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prompt, chosen, rejected, margin, source, annotator, tags, Arrays.hashCode(chosenIds),
        Arrays.hashCode(rejectedIds), softLabel, principle, judgeSha256);
  }

  @Override
  public String toString() {
    return "PreferencePair[prompt=" + prompt + ", chosen=" + chosen + ", rejected=" + rejected + ", margin=" + margin
        + ", source=" + source + ", annotator=" + annotator + ", tags=" + tags
        + (chosenIds == null ? "" : ", chosenIds=" + Arrays.toString(chosenIds))
        + (rejectedIds == null ? "" : ", rejectedIds=" + Arrays.toString(rejectedIds))
        + (softLabel == null ? "" : ", softLabel=" + softLabel + ", principle=" + principle + ", judgeSha256=" + judgeSha256)
        + "]";
  }
}
