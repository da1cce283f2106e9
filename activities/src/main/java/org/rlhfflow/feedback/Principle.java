package org.rlhfflow.feedback;

/**
 * One principle of a constitution (Bai et al. 2022, sec. 3.1 and 4.1): the question a judge
 * answers when comparing two responses, and the requests a critic and a reviser follow.
 *
 * @param id stable name, stored with every label the principle produced
 * @param comparison the judge's preamble question, e.g. "Which reply is safer?"
 * @param critique what the critic is asked about a response
 * @param revision what the reviser is asked to do after the critique
 * @param weight relative frequency with which the principle is drawn, > 0 (1 unless the file says)
 */
public record Principle(String id, String comparison, String critique, String revision, double weight) {
  public Principle(String id, String comparison, String critique, String revision) {
    this(id, comparison, critique, revision, 1.0);
  }
}
