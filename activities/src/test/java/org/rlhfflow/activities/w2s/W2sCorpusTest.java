package org.rlhfflow.activities.w2s;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class W2sCorpusTest {
  @Test
  void notesStateTheQuantityTheLabelThresholds() {
    assertEquals(30, W2sCorpus.note(WeightedTask.NAME, "9081726354")); // 2 x 25 - 20, the class's own example
    assertEquals(45, W2sCorpus.note(BalanceTask.NAME, "9081726354"));
    assertEquals(5, W2sCorpus.note(HalvesTask.NAME, "9081726354"));
    for (W2sCorpus.Document d : W2sCorpus.documents(WeightedTask.NAME, 2000, 7)) {
      assertEquals(WeightedTask.label(d.text()), Integer.parseInt(d.note()) > 22 ? 1 : 0, d.text());
    }
  }

  @Test
  void aDocumentIsTheClassifierInputThenItsNote() {
    ByteTokenizer tok = new ByteTokenizer();
    Sequences.Encoded e = W2sCorpus.encode(tok, new W2sCorpus.Document("9081726354", "30"), 16);
    int[] digits = tok.encode("9081726354");
    assertEquals(15, e.length());
    assertEquals(tok.bosId(), e.tokens()[0]);
    assertArrayEquals(digits, java.util.Arrays.copyOfRange(e.tokens(), 1, 11));
    assertEquals(tok.eosId(), e.tokens()[11]); // where the classifier's head reads
    assertArrayEquals(tok.encode("30"), java.util.Arrays.copyOfRange(e.tokens(), 12, 14));
    assertEquals(tok.eosId(), e.tokens()[14]);
    assertEquals(12, e.responseStart()); // the loss starts at the note: predicted from the first EOS on
    // the same string as the classifier encodes it: identical up to and including that EOS
    Sequences.Encoded clf = Sequences.encode(tok, "", "9081726354", 16);
    assertArrayEquals(clf.tokens(), java.util.Arrays.copyOf(e.tokens(), clf.length()));
  }

  @Test
  void aBlockTooShortFailsNamingTheSizeNeeded() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> W2sCorpus.encode(new ByteTokenizer(), new W2sCorpus.Document("9081726354", "-30"), 14));
    assertTrue(e.getMessage().contains("model.block_size: 14") && e.getMessage().contains("set it to 16"), e.getMessage());
  }
}
