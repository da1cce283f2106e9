package org.rlhfflow.feedback;

import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * A pair judged through the principle's critique request instead of its comparison question: the
 * judge reads each reply as a critique-and-revision chain begins ({@link RevisionText}) and gives
 * the log-odds that its critique starts "yes" (the reply has the fault asked about) rather than
 * "no"; the reply with fewer faults is preferred, P(a) = sigmoid(fault(b) - fault(a)), Bradley-Terry
 * on those log-odds. SL-CAI's critic asks the same request (Bai et al. 2022, sec. 3.1), so a base
 * model that critiques well labels harmlessness with what it knows best even when it compares
 * poorly. With an ensemble every pair is scored under each of its principles and the log-odds
 * are averaged with equal weights, as Bai et al. 2022 (sec. 4.1) ensemble the feedback model over
 * principles (a principle's weight is how often it is drawn, not how much it counts here).
 *
 * <pre>{@code
 * List<Judge.Verdict> v = new CritiqueScorer(lm.tokenizer(), scorer, List.of()).verdicts(principle, batch);
 * }</pre>
 */
final class CritiqueScorer {
  private final Tokenizer tok;
  private final PrefixScorer scorer;
  private final OptionTokens yesNo;
  private final List<Principle> ensemble;

  /** @param ensemble the principles every pair is scored under; empty: each pair's own principle only */
  CritiqueScorer(Tokenizer tok, PrefixScorer scorer, List<Principle> ensemble) {
    this.tok = tok;
    this.scorer = scorer;
    this.ensemble = List.copyOf(ensemble);
    // The critiques' first tokens ("y" and "n" byte-level, "yes" and "no" for GPT-2's BPE).
    int yes = tok.encode("yes.")[0];
    int no = tok.encode("no.")[0];
    if (yes == no) {
      throw new IllegalArgumentException("rl_cai.judge_by critique: 'yes.' and 'no.' start with the same token " + yes
          + " for the judge's tokenizer");
    }
    this.yesNo = new OptionTokens(yes, no);
  }

  /** Verdicts of {@code batch}, all under {@code principle}; without order to debias, aFirst = 1 - bFirst = P(a). */
  List<Judge.Verdict> verdicts(Principle principle, List<Judge.Comparison> batch) {
    List<Principle> under = ensemble.isEmpty() ? List.of(principle) : ensemble;
    double[] gap = new double[batch.size()]; // mean of fault(a) - fault(b) over the principles
    for (Principle p : under) {
      double[] d = faultGaps(p, batch);
      for (int i = 0; i < gap.length; i++) {
        gap[i] += d[i] / under.size();
      }
    }
    List<Judge.Verdict> out = new ArrayList<>(batch.size());
    for (double g : gap) {
      double pA = 1 / (1 + Math.exp(g));
      out.add(new Judge.Verdict(pA, 1 - pA, new String[] {"", ""}));
    }
    return out;
  }

  /** fault(a) - fault(b) per comparison under {@code p}, fault being the log-odds of "yes" over "no". */
  private double[] faultGaps(Principle p, List<Judge.Comparison> batch) {
    List<int[]> rows = new ArrayList<>(2 * batch.size()); // rows 2i: a, 2i + 1: b
    for (Judge.Comparison c : batch) {
      rows.add(tok.encode(RevisionText.critiqueRequest(c.prompt(), c.a(), p.critique())));
      rows.add(tok.encode(RevisionText.critiqueRequest(c.prompt(), c.b(), p.critique())));
    }
    float[][] logits = scorer.score(new int[] {tok.bosId()}, rows, yesNo);
    double[] out = new double[batch.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((double) logits[2 * i][0] - logits[2 * i][1]) - ((double) logits[2 * i + 1][0] - logits[2 * i + 1][1]);
    }
    return out;
  }
}
