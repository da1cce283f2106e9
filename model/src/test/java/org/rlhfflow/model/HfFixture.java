package org.rlhfflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;

/** The tiny GPT-2 fixture under src/test/resources/hf-tiny-gpt2 (see make_fixture.py there). */
final class HfFixture {
  private HfFixture() {}

  static Path dir() throws Exception {
    return Path.of(HfFixture.class.getResource("/hf-tiny-gpt2/config.json").toURI()).getParent();
  }

  static int[] expectedIds() throws Exception {
    JsonNode ids = new ObjectMapper().readTree(dir().resolve("expected.json").toFile()).get("ids");
    int[] out = new int[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i).asInt();
    }
    return out;
  }
}
