package org.rlhfflow.model.tokenizer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes as tokens (ids 0-255) plus BOS=256, EOS=257, PAD=258: no vocabulary file, any text
 * round-trips, and 259 ids keep the embedding tiny for models trained from scratch.
 */
public final class ByteTokenizer implements Tokenizer {
  public static final int BOS = 256;
  public static final int EOS = 257;
  public static final int PAD = 258;
  public static final int VOCAB_SIZE = 259;

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length);
    for (int id : ids) {
      if (id < 0 || id >= VOCAB_SIZE) {
        throw new IllegalArgumentException("token id " + id + " outside [0, " + VOCAB_SIZE + ")");
      }
      if (id < 256) {
        out.write(id);
      }
    }
    // Malformed UTF-8 (a sampled model may emit any byte) decodes to U+FFFD, never throws.
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZE;
  }

  @Override
  public int bosId() {
    return BOS;
  }

  @Override
  public int eosId() {
    return EOS;
  }

  @Override
  public int padId() {
    return PAD;
  }

  @Override
  public ObjectNode describe() {
    return JsonNodeFactory.instance.objectNode().put("type", "byte");
  }
}
