package org.rlhfflow.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back. {@link #encode} adds no special tokens: callers place BOS/EOS
 * explicitly. A tokenizer describes itself as a small JSON object stored in checkpoints.
 */
public interface Tokenizer {
  int[] encode(String text);

  /** Decodes ids, skipping BOS, EOS and PAD. */
  String decode(int[] ids);

  int vocabSize();

  int bosId();

  int eosId();

  /** The id used to fill padded positions; always paired with a mask. */
  int padId();

  /**
   * Ids that end a generated turn, EOS first: for a chat model also its template's end-of-turn
   * tokens (Hugging Face's generation_config.json {@code eos_token_id} list).
   */
  default java.util.List<Integer> stopIds() {
    return java.util.List.of(eosId());
  }

  /**
   * The chat format the stages apply to prompts and responses (a Llama-family checkpoint's own
   * template), or null: then prompts and responses are encoded as they are.
   */
  default org.rlhfflow.model.chat.ChatFormat chat() {
    return null;
  }

  /** A small JSON description: {@code {"type": "byte"}} or {@code {"type": "hf", ...}}. */
  ObjectNode describe();

  /**
   * Writes whatever files the description refers to into {@code dir} (the HF tokenizer copies its
   * tokenizer.json); the byte tokenizer needs none.
   */
  default void saveFiles(Path dir) throws IOException {}

  /** Rebuilds a tokenizer from {@link #describe()}, reading referenced files from {@code dir}. */
  static Tokenizer fromDescription(JsonNode description, Path dir) throws IOException {
    String type = description.path("type").asText("");
    switch (type) {
      case "byte":
        return new ByteTokenizer();
      case "hf":
        return HfTokenizer.fromDescription(description, dir);
      default:
        throw new IllegalArgumentException(
            "unknown tokenizer type '" + type + "' in description " + description);
    }
  }
}
