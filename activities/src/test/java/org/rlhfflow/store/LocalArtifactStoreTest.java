package org.rlhfflow.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactStoreTest {

  @TempDir Path tmp;

  private Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetRoundTripsAndDigestMatchesAnIndependentHash() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    // sha256("abc") from FIPS 180-2, appendix B.1
    ArtifactRef ref = store.put(write("in.txt", "abc"));
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ref.sha256());
    assertEquals(3, ref.sizeBytes());
    assertTrue(ref.uri().endsWith("/sha256/" + ref.sha256()), ref.uri());
    assertTrue(store.exists(ref.sha256()));

    Path out = store.get(ref, tmp.resolve("out/abc.txt"));
    assertEquals("abc", Files.readString(out));
  }

  @Test
  void sameBytesTwiceGiveTheSameRefAndOneBlob() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    ArtifactRef a = store.put(write("a.bin", "same bytes"));
    ArtifactRef b = store.put(write("b.bin", "same bytes"));
    assertEquals(a, b);
    try (var s = Files.list(store.root().resolve("sha256"))) {
      assertEquals(1, s.count());
    }
    try (var s = Files.list(store.root().resolve("tmp"))) {
      assertEquals(0, s.count(), "temp files are cleaned up");
    }
  }

  @Test
  void anExistingBlobIsNotRewritten() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    ArtifactRef ref = store.put(write("a.bin", "payload"));
    Path blob = store.root().resolve("sha256").resolve(ref.sha256());
    Object inodeBefore = Files.getAttribute(blob, "unix:ino");
    store.put(write("again.bin", "payload"));
    assertEquals(inodeBefore, Files.getAttribute(blob, "unix:ino"));
  }

  @Test
  void tamperedBlobIsReportedAsCorruptAndDestIsNotWritten() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    ArtifactRef ref = store.put(write("a.bin", "the real content"));
    Path blob = store.root().resolve("sha256").resolve(ref.sha256());
    Files.writeString(blob, "the fake content");

    Path dest = tmp.resolve("out.bin");
    CorruptArtifactException e =
        assertThrows(CorruptArtifactException.class, () -> store.get(ref, dest));
    assertTrue(e.getMessage().contains(blob.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(ref.sha256()), e.getMessage());
    assertFalse(Files.exists(dest));
  }

  @Test
  void existingBlobOfTheWrongSizeIsReportedOnPut() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    Path in = write("a.bin", "twelve bytes");
    ArtifactRef ref = store.put(in);
    Files.writeString(store.root().resolve("sha256").resolve(ref.sha256()), "short");
    assertThrows(CorruptArtifactException.class, () -> store.put(in));
  }

  @Test
  void missingBlobNamesTheDigest() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    String digest = Sha256.hex("never stored".getBytes(StandardCharsets.UTF_8));
    ArtifactRef ref = new ArtifactRef("file:///nowhere", digest, 12);
    NoSuchArtifactException e =
        assertThrows(NoSuchArtifactException.class, () -> store.get(ref, tmp.resolve("x")));
    assertTrue(e.getMessage().contains(digest), e.getMessage());
    assertFalse(store.exists(digest));
  }

  @Test
  void directoryRoundTripIsDeterministic() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    Path ckpt = tmp.resolve("ckpt");
    write("ckpt/model.params", "weights");
    write("ckpt/config.json", "{\"n_layer\":2}");
    write("ckpt/tokenizer/vocab.txt", "a\nb\n");

    ArtifactRef index = store.putDirectory(ckpt);
    assertEquals(index, store.putDirectory(ckpt), "same directory, same ref");

    Path restored = store.getDirectory(index, tmp.resolve("restored"));
    for (String f : new String[] {"model.params", "config.json", "tokenizer/vocab.txt"}) {
      assertArrayEquals(Files.readAllBytes(ckpt.resolve(f)), Files.readAllBytes(restored.resolve(f)), f);
    }
    try (var s = Files.walk(restored)) {
      assertEquals(3, s.filter(Files::isRegularFile).count());
    }
  }

  @Test
  void directoryRefDoesNotDependOnWhereTheStoreLives() throws Exception {
    write("ckpt/model.params", "weights");
    ArtifactRef a = new LocalArtifactStore(tmp.resolve("one")).putDirectory(tmp.resolve("ckpt"));
    ArtifactRef b = new LocalArtifactStore(tmp.resolve("two")).putDirectory(tmp.resolve("ckpt"));
    assertEquals(a.sha256(), b.sha256());
  }

  @Test
  void getDirectoryOfAPlainBlobIsAClearError() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    ArtifactRef notIndex = store.put(write("plain.txt", "just text"));
    IOException e =
        assertThrows(IOException.class, () -> store.getDirectory(notIndex, tmp.resolve("d")));
    assertTrue(e.getMessage().contains(notIndex.sha256()), e.getMessage());
  }

  @Test
  void manifestIsPutIfAbsent() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    assertEquals(Optional.empty(), store.getManifest("sft-abc123"));
    store.putManifest("sft-abc123", "{\"first\":true}");
    store.putManifest("sft-abc123", "{\"second\":true}");
    assertEquals(Optional.of("{\"first\":true}"), store.getManifest("sft-abc123"));
  }

  @Test
  void cacheKeyThatWouldEscapeTheManifestFolderIsRejected() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> store.putManifest("../evil", "{}"));
    assertTrue(e.getMessage().contains("../evil"), e.getMessage());
  }
}
