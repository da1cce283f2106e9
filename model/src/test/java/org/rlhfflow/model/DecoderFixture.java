package org.rlhfflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;

/** The tiny Llama and Qwen2 fixtures under src/test/resources (see make_decoder_fixtures.py). */
final class DecoderFixture {
  private DecoderFixture() {}

  static Path dir(String name) throws Exception {
    return Path.of(DecoderFixture.class.getResource("/hf-tiny-" + name + "/config.json").toURI()).getParent();
  }

  static JsonNode expected(String name) throws Exception {
    return new ObjectMapper().readTree(dir(name).resolve("expected.json").toFile());
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
