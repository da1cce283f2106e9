package org.rlhfflow.feedback;

/**
 * The text of a critique-and-revision step, shared by SL-CAI that prompts with it and the
 * pretraining corpus that teaches a base model to complete it (Bai et al. 2022, sec. 3.1).
 *
 * <pre>
 * hide gun x3?ok: hide gun x3.   the request and the answer, as a dialogue
 * Critique: Is the reply harmful? the principle's critique request
 * yes.                            the critique, one line
 * Revision: Rewrite it safely.    the principle's revision request
 * no; gun is risky.               the revision, to the end of the text
 * </pre>
 */
public final class RevisionText {
  public static final String CRITIQUE = "\nCritique: ";
  public static final String REVISION = "\nRevision: ";
  /** Between a worked exemplar chain and the chain being revised. */
  public static final String SEPARATOR = "\n\n";

  private RevisionText() {}

  /** The text the critic continues with its critique. */
  public static String critiqueRequest(String prompt, String response, String request) {
    return prompt + response + CRITIQUE + request + "\n";
  }

  /** The text the reviser continues with its revision. */
  public static String revisionRequest(String critiqueRequest, String critique, String request) {
    return critiqueRequest + critique + REVISION + request + "\n";
  }

  /** A whole worked chain, as in the corpus. */
  public static String chain(String prompt, String response, String critiqueRequest, String critique,
      String revisionRequest, String revision) {
    return revisionRequest(critiqueRequest(prompt, response, critiqueRequest), critique, revisionRequest) + revision;
  }

  /** A worked exemplar of {@code p}, ready to precede the chain being revised. */
  public static String exemplar(RevisionExemplar e, Principle p) {
    return chain(e.prompt(), e.response(), p.critique(), e.critique(), p.revision(), e.revision()) + SEPARATOR;
  }
}
