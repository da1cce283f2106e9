package org.rlhfflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A three-stage chain of manifests in a local store, traced back from the last stage's output. */
class LineageTest {
  @TempDir Path dir;

  private static String hex(char c) {
    return String.valueOf(c).repeat(64);
  }

  private static ArtifactRef ref(char c) {
    return new ArtifactRef("file:///store/blobs/" + hex(c), hex(c), 10);
  }

  private static void save(ArtifactStore store, String stage, String key, Map<String, String> inputs,
      Map<String, ArtifactRef> outputs, long seed, String at) throws Exception {
    StageManifest.of(stage, key, hex('e'), inputs, outputs, Map.of(), "code-1", Instant.parse(at))
        .withProvenance("{\"seed\":" + seed + "}", seed, Map.of("git_commit", "abc123", "djl", "0.x"))
        .saveTo(store);
  }

  @Test
  void tracesAnOutputBackThroughEveryInput() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(dir);
    // sft reads a base model no stage made; rm reads sft's checkpoint; ppo reads both
    save(store, "sft", "sft-key", Map.of("base_model", hex('0')), Map.of("checkpoint", ref('1'), "dataset", ref('2')),
        7, "2026-01-01T00:00:00Z");
    save(store, "reward_model", "rm-key", Map.of("sft_model", hex('1')), Map.of("checkpoint", ref('3')), 7,
        "2026-01-01T00:01:00Z");
    save(store, "ppo", "ppo-key", Map.of("sft_model", hex('1'), "reward_model", hex('3')),
        Map.of("checkpoint", ref('4'), "curve", ref('5')), 7, "2026-01-01T00:02:00Z");

    Lineage.Node ppo = Lineage.of(store).trace(ref('4').uri()); // by URI
    assertEquals("ppo", ppo.made().stage());
    assertEquals("checkpoint", ppo.output());
    assertEquals("ppo-key", ppo.made().cacheKey());
    assertEquals(7L, ppo.made().seed());
    assertEquals("{\"seed\":7}", ppo.made().specJson());
    assertEquals("abc123", ppo.made().provenance().get("git_commit"));
    Lineage.Node rm = ppo.inputs().get("reward_model");
    assertEquals("reward_model", rm.made().stage());
    Lineage.Node sftViaRm = rm.inputs().get("sft_model");
    assertEquals("sft", sftViaRm.made().stage());
    Lineage.Node base = sftViaRm.inputs().get("base_model");
    assertNull(base.made(), "no stage made the base model: a leaf");
    assertEquals(hex('0'), base.sha256());
    assertEquals("sft", Lineage.of(store).trace(hex('1')).made().stage()); // by sha256
  }

  @Test
  void anUnknownRefFailsNamingIt() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(dir);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Lineage.of(store).trace(hex('9')));
    assertEquals(true, e.getMessage().contains(hex('9')));
  }

  @Test
  void manifestsWrittenBeforeProvenanceStillParse() throws Exception {
    StageManifest old = StageManifest.fromJson("{\"stage\":\"sft\",\"cacheKey\":\"k1\",\"specSha256\":\"" + hex('e')
        + "\",\"inputs\":{},\"outputs\":{},\"metrics\":{},\"codeVersion\":\"c\",\"createdAt\":\"2026-01-01T00:00:00Z\"}",
        "old");
    assertNull(old.seed());
    assertNull(old.specJson());
    assertEquals(Map.of(), old.provenance());
  }
}
