package org.rlhfflow.activities.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Scoring;
import org.rlhfflow.model.loss.TokenLogProbs;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * Preference pairs encoded for DPO: {@code [BOS] prompt response [EOS]} for chosen and rejected,
 * truncated to the block as for the reward model. A pair whose two sequences are identical after
 * truncation carries no preference (its DPO gradient is exactly 0) and is dropped; if nothing is
 * left the stage fails, naming the data and the count.
 */
final class DpoPairs {
  private final List<Sequences.Encoded> chosen = new ArrayList<>();
  private final List<Sequences.Encoded> rejected = new ArrayList<>();
  private final List<Double> margins = new ArrayList<>();
  private final int padId;
  final int dropped;

  DpoPairs(List<PreferencePair> pairs, Tokenizer tok, int blockSize, String what) {
    this.padId = tok.padId();
    int identical = 0;
    for (PreferencePair p : pairs) {
      Sequences.Encoded c = Sequences.encode(tok, p.prompt(), p.chosen(), blockSize);
      Sequences.Encoded r = Sequences.encode(tok, p.prompt(), p.rejected(), blockSize);
      if (Arrays.equals(c.tokens(), r.tokens())) {
        identical++;
        continue;
      }
      chosen.add(c);
      rejected.add(r);
      margins.add(p.margin());
    }
    this.dropped = identical;
    if (chosen.isEmpty()) {
      throw new StageFailures.ValidationException(what + ": no preference pairs left after filtering: all "
          + pairs.size() + " have identical chosen and rejected sequences within model.block_size " + blockSize);
    }
  }

  int size() {
    return chosen.size();
  }

  /** The chosen rows then the rejected rows of {@code rows}, one (2B, T) batch. */
  Sequences.Batch batch(int[] rows, NDManager m) {
    List<Sequences.Encoded> seqs = new ArrayList<>(2 * rows.length);
    for (int r : rows) {
      seqs.add(chosen.get(r));
    }
    for (int r : rows) {
      seqs.add(rejected.get(r));
    }
    return Sequences.collate(seqs, padId, m);
  }

  /** Summed response log-probs (EOS included) of a {@link #batch}, (2B); logits (2B, T, V) at temperature 1. */
  static NDArray sequenceLogps(NDArray logits, Sequences.Batch b) {
    NDArray tokenLogp = Scoring.tokenLogprobs(logits, b.ids(), b.attentionMask()); // (2B, T)
    return TokenLogProbs.sequenceSum(tokenLogp, b.responseMask()); // (2B)
  }

  /** Response tokens (EOS included) of the chosen and of the rejected sequence of each row. */
  float[][] responseTokens(int[] rows) {
    float[][] out = new float[2][rows.length];
    for (int i = 0; i < rows.length; i++) {
      Sequences.Encoded c = chosen.get(rows[i]);
      Sequences.Encoded r = rejected.get(rows[i]);
      out[0][i] = c.length() - c.responseStart();
      out[1][i] = r.length() - r.responseStart();
    }
    return out;
  }

  /** sigmoid(margin) per pair, the soft target; 1 − ε for pairs without a margin. */
  float[] softTargets(int[] rows, double labelSmoothing) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      Double m = margins.get(rows[i]);
      out[i] = (float) (m == null ? 1 - labelSmoothing : 1 / (1 + Math.exp(-m)));
    }
    return out;
  }
}
