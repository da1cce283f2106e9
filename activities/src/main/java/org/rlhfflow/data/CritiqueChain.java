package org.rlhfflow.data;

import java.util.List;

/**
 * One Constitutional AI chain (Bai et al. 2022, sec. 3.1): a red-team prompt, the helpful-only
 * model's first answer, then per revision round the principle drawn, the critique the model wrote
 * and its revision. Kept whole for audit; the last revision is what SL-CAI fine-tunes on.
 */
public record CritiqueChain(String prompt, String initialResponse, List<String> principles, List<String> critiques,
    List<String> revisions) {
  public CritiqueChain {
    principles = List.copyOf(principles);
    critiques = List.copyOf(critiques);
    revisions = List.copyOf(revisions);
    if (principles.size() != critiques.size() || critiques.size() != revisions.size()) {
      throw new IllegalArgumentException("a chain has one principle, critique and revision per round; got "
          + principles.size() + ", " + critiques.size() + " and " + revisions.size());
    }
  }

  /** The answer after {@code round} revisions; round 0 is the initial response. */
  public String responseAfter(int round) {
    return round == 0 ? initialResponse : revisions.get(round - 1);
  }

  public int rounds() {
    return revisions.size();
  }
}
