package org.rlhfflow.activities.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.ScalarHeadModel;

/**
 * Preference pairs as reward-model batches: the B chosen sequences then the B rejected ones,
 * {@code [BOS] prompt response [EOS]}, right-padded and truncated from the left to the block, in
 * one forward pass; the reward is read at each row's last real token (EOS).
 */
final class PairBatches {
  private final List<PreferencePair> pairs;
  private final List<Sequences.Encoded> chosen = new ArrayList<>();
  private final List<Sequences.Encoded> rejected = new ArrayList<>();
  private final int padId;

  PairBatches(List<PreferencePair> pairs, ScalarHeadModel rm) {
    this.pairs = pairs;
    this.padId = rm.tokenizer().padId();
    int block = rm.trunk().config().blockSize();
    for (PreferencePair p : pairs) {
      chosen.add(encode(rm, p.prompt(), p.chosen(), p.chosenIds(), block));
      rejected.add(encode(rm, p.prompt(), p.rejected(), p.rejectedIds(), block));
    }
  }

  /**
   * Sampled responses from their own token ids (EOS only where the sampler emitted it: the RM then
   * learns to score truncated responses as PPO will show them); text from elsewhere with EOS.
   */
  private static Sequences.Encoded encode(ScalarHeadModel rm, String prompt, String text, int[] ids, int block) {
    return ids != null
        ? Sequences.encodeSampled(rm.tokenizer(), prompt, ids, block)
        : Sequences.encode(rm.tokenizer(), prompt, text, block);
  }

  int size() {
    return pairs.size();
  }

  /** The pairs, in row order. */
  List<PreferencePair> pairs() {
    return pairs;
  }

  PreferencePair pair(int i) {
    return pairs.get(i);
  }

  /** Rewards of the chosen and rejected responses of {@code rows}, each (B), on {@code m}. */
  Rewards rewards(ScalarHeadModel rm, int[] rows, NDManager m) {
    List<Sequences.Encoded> seqs = new ArrayList<>(2 * rows.length);
    for (int r : rows) {
      seqs.add(chosen.get(r));
    }
    for (int r : rows) {
      seqs.add(rejected.get(r));
    }
    Sequences.Batch b = Sequences.collate(seqs, padId, m);
    NDArray r = rm.rewards(b.ids(), b.attentionMask()); // (2B)
    return new Rewards(r.get("0:" + rows.length), r.get(rows.length + ":"));
  }

  /** The dataset's margin per pair (0 where unknown), (B) float32 on {@code m}. */
  NDArray margins(int[] rows, NDManager m) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      Double margin = pairs.get(rows[i]).margin();
      out[i] = margin == null ? 0f : margin.floatValue();
    }
    return m.create(out);
  }

  /** Whether any pair carries a soft label: then the loss is cross-entropy against it. */
  boolean soft() {
    return pairs.stream().anyMatch(p -> p.softLabel() != null);
  }

  /** P(chosen preferred) per pair (1 for a hard-labelled pair), (B) float32 on {@code m}. */
  NDArray softTargets(int[] rows, NDManager m) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      Double p = pairs.get(rows[i]).softLabel();
      out[i] = p == null ? 1f : p.floatValue();
    }
    return m.create(out);
  }

  record Rewards(NDArray chosen, NDArray rejected) {}
}
