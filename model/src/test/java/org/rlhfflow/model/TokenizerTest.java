package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.model.tokenizer.HfTokenizer;
import org.rlhfflow.model.tokenizer.Tokenizer;

class TokenizerTest {
  @Test
  void byteTokenizerRoundTripsAnyTextAndSkipsSpecials() throws Exception {
    ByteTokenizer tok = new ByteTokenizer();
    String text = "Héllo, wörld! ✓ 😀\n";
    int[] ids = tok.encode(text);
    assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, ids.length);
    int[] framed = new int[ids.length + 2];
    framed[0] = tok.bosId();
    System.arraycopy(ids, 0, framed, 1, ids.length);
    framed[ids.length + 1] = tok.eosId();
    assertEquals(text, tok.decode(framed));
    Tokenizer back = Tokenizer.fromDescription(tok.describe(), Path.of("."));
    assertArrayEquals(ids, back.encode(text));
  }

  @Test
  void hfGpt2TokenizerRoundTripsAndUsesEndOfTextAsPad() throws Exception {
    Path file = Path.of(getClass().getResource("/hf-tiny-gpt2/tokenizer.json").toURI());
    try (HfTokenizer tok = HfTokenizer.gpt2(file)) {
      String text = "Hello world, this is a test.";
      int[] ids = tok.encode(text);
      assertEquals(text, tok.decode(ids));
      assertEquals(tok.eosId(), tok.padId());
      assertEquals(tok.eosId(), tok.bosId());
      int[] expected = HfFixture.expectedIds();
      assertArrayEquals(expected, ids);
    }
  }
}
