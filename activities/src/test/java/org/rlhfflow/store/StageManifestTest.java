package org.rlhfflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageManifestTest {

  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private static StageManifest sample() {
    return StageManifest.of(
        "sft",
        "sft-0123abcd",
        A,
        Map.of("dataset", B, "baseModel", A),
        Map.of("checkpoint", new ArtifactRef("sha256/" + B, B, 42)),
        Map.of("sft/loss", 1.25, "sft/eval_loss", Double.NaN),
        "0.1.0-SNAPSHOT",
        Instant.parse("2026-11-21T11:00:00Z"));
  }

  @Test
  void jsonRoundTripKeepsEveryField() throws Exception {
    StageManifest m = sample();
    StageManifest back = StageManifest.fromJson(m.toJson(), "test");
    assertEquals(m.toJson(), back.toJson());
    assertEquals(m.outputs(), back.outputs());
    assertEquals(1.25, back.metrics().get("sft/loss"));
    assertTrue(back.metrics().get("sft/eval_loss").isNaN());
  }

  @Test
  void jsonIsTheSameWhateverTheMapOrder() {
    StageManifest m = sample();
    String json = m.toJson();
    assertTrue(json.indexOf("\"baseModel\"") < json.indexOf("\"dataset\""), json);
  }

  @Test
  void unknownFieldIsAnErrorNamingTheSourceAndField() {
    String json = sample().toJson().replaceFirst("\\{", "{\"stageName\":\"x\",");
    IOException e = assertThrows(IOException.class, () -> StageManifest.fromJson(json, "key-1"));
    assertTrue(e.getMessage().contains("key-1") && e.getMessage().contains("stageName"), e.getMessage());
  }

  @Test
  void missingFieldIsAnErrorNamingTheField() {
    String json = sample().toJson().replaceFirst("\"codeVersion\" : \"[^\"]*\",", "");
    IOException e = assertThrows(IOException.class, () -> StageManifest.fromJson(json, "key-2"));
    assertTrue(e.getMessage().contains("codeVersion"), e.getMessage());
  }
}
