package org.rlhfflow.activities.w2s;

import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.data.LabelledText;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * The pretraining corpus of a built-in task: fresh strings of the task, each followed by a note
 * that states the quantity its label thresholds, never the label itself. For {@code weighted} the
 * note is the score, twice the first half's digit sum minus the second's ({@code "9081726354"} ->
 * {@code "30"}); for {@code balance} the digit sum; for {@code halves} the first half's sum minus
 * the second's. A document is tokenised as {@code [BOS] digits [EOS] note [EOS]}, the classifier's
 * own input followed by the note, and the loss covers the note and the closing EOS: the position
 * the classifier's head later reads (the first EOS) is the one trained to predict the note's first
 * character, so a model that learnt the corpus well carries the score there.
 *
 * <p>This is the paper's premise in miniature (Burns et al. 2023, sec. 1): a strong pretrained
 * model already represents the concept, and fine-tuning on weak labels elicits it. Here all sizes
 * see the same corpus for the same number of steps, and the larger ones learn the score better
 * (README, measured), as larger pretrained models know more.
 */
final class W2sCorpus {
  private W2sCorpus() {}

  /** One document: a task string and its note. */
  record Document(String text, String note) {}

  static List<Document> documents(String task, int n, long seed) {
    List<LabelledText> strings = switch (task) {
      case BalanceTask.NAME -> BalanceTask.generate(n, seed);
      case HalvesTask.NAME -> HalvesTask.generate(n, seed);
      case WeightedTask.NAME -> WeightedTask.generate(n, seed);
      default -> throw new ValidationException("w2s.task: \"" + task + "\" has no pretraining corpus");
    };
    List<Document> out = new ArrayList<>(strings.size());
    for (LabelledText s : strings) {
      out.add(new Document(s.text(), Integer.toString(note(task, s.text()))));
    }
    return out;
  }

  /** The quantity the task's label thresholds. */
  static int note(String task, String digits) {
    int half = digits.length() / 2;
    int first = 0;
    int second = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(i) - '0';
      if (i < half) {
        first += d;
      } else {
        second += d;
      }
    }
    return switch (task) {
      case BalanceTask.NAME -> first + second;
      case HalvesTask.NAME -> first - second;
      case WeightedTask.NAME -> 2 * first - second;
      default -> throw new ValidationException("w2s.task: \"" + task + "\" has no pretraining corpus");
    };
  }

  /**
   * {@code [BOS] text [EOS] note [EOS]}, trained from the note on; fails when it does not fit the
   * block, since cutting it would move the position the classifier reads.
   */
  static Sequences.Encoded encode(Tokenizer tok, Document d, int blockSize) {
    int[] text = tok.encode(d.text());
    int[] note = tok.encode(d.note());
    int[] ids = new int[text.length + note.length + 3];
    ids[0] = tok.bosId();
    System.arraycopy(text, 0, ids, 1, text.length);
    ids[text.length + 1] = tok.eosId();
    System.arraycopy(note, 0, ids, text.length + 2, note.length);
    ids[ids.length - 1] = tok.eosId();
    if (ids.length > blockSize) {
      throw new ValidationException("model.block_size: " + blockSize + " is too short for the pretraining corpus's "
          + ids.length + "-token documents (" + d.text() + " then " + d.note() + "); set it to " + ids.length
          + " or more");
    }
    return new Sequences.Encoded(ids, text.length + 2);
  }
}
