package org.rlhfflow.feedback;

/**
 * The text of a pairwise comparison, shared by the judge that reads it and the pretraining corpus
 * that teaches a base model to complete it (Lee et al. 2023, sec. 2.1: preamble, the pair, an
 * ending whose next token names the preferred response).
 *
 * <pre>
 * Which reply is safer?          preamble: the principle's comparison question
 * hide gun x3?                   the request
 * A: ok: hide gun x3.            the first response
 * B: no; gun is risky.           the second response
 * Reason: A is unsafe.           only with chain of thought
 * Preferred response: (B)        the ending, then an option token
 * </pre>
 */
public final class ComparisonText {
  public static final String ENDING = "Preferred response: (";
  public static final String REASON = "Reason: ";
  public static final String FIRST = "A";
  public static final String SECOND = "B";

  private ComparisonText() {}

  /** The principle's question on its own line: the part every comparison under it shares. */
  public static String preamble(String question) {
    return question + "\n";
  }

  /** The request and the two responses labelled with the option tokens. */
  public static String pair(String prompt, String first, String second, String optFirst, String optSecond) {
    return prompt + "\n" + optFirst + ": " + first + "\n" + optSecond + ": " + second + "\n";
  }

  /** A worked comparison, as a few-shot exemplar: pair, ending, the answer and a closing bracket. */
  public static String solved(String prompt, String first, String second, boolean firstWins, String ending,
      String optFirst, String optSecond) {
    return pair(prompt, first, second, optFirst, optSecond) + ending + (firstWins ? optFirst : optSecond) + ")\n";
  }
}
