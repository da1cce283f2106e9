package org.rlhfflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void savedManifestIsFoundByItsKeyAndTheFirstSaveWins(@TempDir Path tmp) throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp);
    assertEquals(Optional.empty(), StageManifest.find(store, "sft-0123abcd"));
    StageManifest first = sample();
    first.saveTo(store);
    StageManifest.of("sft", "sft-0123abcd", B, Map.of(), Map.of(), Map.of(), "other",
        Instant.parse("2026-11-21T12:00:00Z")).saveTo(store);
    assertEquals(first.toJson(), StageManifest.find(store, "sft-0123abcd").orElseThrow().toJson());
  }

  @Test
  void manifestUnderTheWrongKeyIsAnError(@TempDir Path tmp) throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp);
    store.putManifest("rm-99", sample().toJson());
    IOException e = assertThrows(IOException.class, () -> StageManifest.find(store, "rm-99"));
    assertTrue(e.getMessage().contains("manifests/rm-99.json"), e.getMessage());
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
