package org.rlhfflow.tasks.assistant;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.rlhfflow.feedback.ComparisonText;
import org.rlhfflow.feedback.RevisionText;

/**
 * The text a base model of the assistant world is pretrained on, a stand-in for what a pretrained
 * LLM brings to RLAIF: dialogues on every topic with every kind of reply, and worked comparisons,
 * critiques and revisions on {@link #SEEN_OBJECTS} only. A judge built from it has to generalise
 * to the other objects, so it judges them imperfectly, as a real model judges unfamiliar cases.
 * The documents depend only on (n, seed).
 */
public final class PretrainCorpus {
  /** Objects with worked comparisons and critiques; the rest appear in dialogues only. */
  static final Set<String> SEEN_OBJECTS = Set.of("bike", "cake", "rope", "key", "gas", "knife");
  public static final String CRITIQUE_REQUEST = "Is the reply harmful?";
  public static final String REVISION_REQUEST = "Rewrite it safely.";
  /** The helpful principle's requests (experiments/constitutions/assistant.yaml), for revision documents. */
  public static final String HELPFUL_CRITIQUE_REQUEST = "Does the reply dodge the request?";
  public static final String HELPFUL_REVISION_REQUEST = "Answer the request if it is safe.";
  static final double DIALOGUE = 0.35;
  static final double CRITIQUE = 0.1;
  /** Comparisons that show a rationale before the answer (chain of thought, Bai et al. 2022). */
  static final double WITH_REASON = 0.3;

  private final AssistantTask task = new AssistantTask();
  private final List<Request> all = new ArrayList<>();
  private final List<Request> seen = new ArrayList<>();

  public PretrainCorpus() {
    for (String text : AssistantTask.allRequests()) {
      Request r = Request.parse(text);
      all.add(r);
      if (SEEN_OBJECTS.contains(r.object())) {
        seen.add(r);
      }
    }
  }

  /** {@code n} documents, each a whole training sequence's text. */
  public List<String> documents(int n, long seed) {
    return documents(n, seed, 0);
  }

  /**
   * As {@link #documents(int, long)}, with a share {@code revisions} of the documents replaced by
   * critique-and-revision chains on every object under both principles' requests ({@link
   * #revision}). Their draws come from a stream of their own, so at 0 the corpus is exactly the
   * one without them.
   */
  public List<String> documents(int n, long seed, double revisions) {
    SplittableRandom rng = new SplittableRandom(seed ^ 0x434f52505553L);
    SplittableRandom extra = new SplittableRandom(seed ^ 0x5245564953454cL);
    List<String> out = new ArrayList<>(n);
    while (out.size() < n) {
      if (revisions > 0 && extra.nextDouble() < revisions) {
        out.add(revision(all.get(extra.nextInt(all.size())), extra));
        continue;
      }
      double u = rng.nextDouble();
      if (u < DIALOGUE) {
        Request r = all.get(rng.nextInt(all.size()));
        out.add(r.text() + reply(r, rng));
      } else if (u < DIALOGUE + CRITIQUE) {
        out.add(critique(seen.get(rng.nextInt(seen.size())), rng));
      } else {
        String doc = comparison(seen.get(rng.nextInt(seen.size())), rng);
        if (doc != null) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  /** A reply of any kind, uncorrelated with harm: the base model learns the forms, not the rule. */
  static String reply(Request r, SplittableRandom rng) {
    double u = rng.nextDouble();
    if (u < 0.45) {
      return Vocabulary.comply(r);
    }
    if (u < 0.55) {
      int other = Vocabulary.MIN_COUNT + rng.nextInt(Vocabulary.MAX_COUNT - Vocabulary.MIN_COUNT + 1);
      return Vocabulary.comply(r.verb(), r.object(), other);
    }
    if (u < 0.60) {
      String obj = Vocabulary.OBJECTS.get(rng.nextInt(Vocabulary.OBJECTS.size()));
      return Vocabulary.comply(r.verb(), obj, r.count());
    }
    return u < 0.80 ? Vocabulary.REFUSAL : Vocabulary.redirect(r);
  }

  /** Two different replies compared under one of the world's questions; null on a tie. */
  private String comparison(Request r, SplittableRandom rng) {
    String q = rng.nextBoolean() ? AssistantTask.HARMLESS_QUESTION : AssistantTask.HELPFUL_QUESTION;
    String a = reply(r, rng);
    String b = reply(r, rng);
    double pref = task.prefers(q, r.text(), a, b);
    if (pref == 0) {
      return null;
    }
    boolean firstWins = pref > 0;
    String reason = rng.nextDouble() < WITH_REASON
        ? ComparisonText.REASON + rationale(q, r, firstWins ? b : a, firstWins ? "B" : "A") + "\n"
        : "";
    String body = ComparisonText.pair(r.text(), a, b, ComparisonText.FIRST, ComparisonText.SECOND);
    return ComparisonText.preamble(q) + body + reason + ComparisonText.ENDING
        + (firstWins ? ComparisonText.FIRST : ComparisonText.SECOND) + ")";
  }

  /** Why the losing reply {@code option} lost. */
  static String rationale(String question, Request r, String loser, String option) {
    if (question.equals(AssistantTask.HARMLESS_QUESTION) && AssistantOracle.harmlessness(r, loser) == 0) {
      return option + " is unsafe.";
    }
    if (loser.equals(Vocabulary.REFUSAL) || loser.equals(Vocabulary.redirect(r))) {
      return option + " refuses.";
    }
    return option + " is off.";
  }

  /** A reply, the critique the world's own critic gives it, and the revision that fixes it. */
  private String critique(Request r, SplittableRandom rng) {
    String reply = reply(r, rng);
    boolean harmful = AssistantOracle.harmlessness(r, reply) == 0;
    String revision = AssistantOracle.harmful(r) ? Vocabulary.redirect(r) : Vocabulary.comply(r);
    return RevisionText.chain(r.text(), reply, CRITIQUE_REQUEST, harmful ? "yes." : "no.", REVISION_REQUEST, revision);
  }

  /**
   * A reply of any kind critiqued and revised under the safe or the helpful principle's requests:
   * the critic says whether the reply is harmful (safe) or dodges a benign request (helpful), and
   * the revision is the world's best answer either way, the redirect for a harmful request and
   * compliance otherwise (Bai et al. 2022, sec. 3.1).
   */
  static String revision(Request r, SplittableRandom rng) {
    String reply = reply(r, rng);
    boolean harmful = AssistantOracle.harmful(r);
    String revision = harmful ? Vocabulary.redirect(r) : Vocabulary.comply(r);
    if (rng.nextInt(4) < 3) { // the safe principle is drawn three times as often (assistant.yaml)
      boolean flagged = AssistantOracle.harmlessness(r, reply) == 0;
      return RevisionText.chain(r.text(), reply, CRITIQUE_REQUEST, flagged ? "yes." : "no.", REVISION_REQUEST, revision);
    }
    boolean dodges = !harmful && !reply.equals(Vocabulary.comply(r));
    return RevisionText.chain(r.text(), reply, HELPFUL_CRITIQUE_REQUEST, dodges ? "yes." : "no.",
        HELPFUL_REVISION_REQUEST, revision);
  }
}
