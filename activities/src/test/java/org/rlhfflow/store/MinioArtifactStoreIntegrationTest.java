package org.rlhfflow.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.config.RlhfConfig;

/** Against the real MinIO at RLHF_S3_ENDPOINT, in a bucket of its own. */
@Tag("integration")
class MinioArtifactStoreIntegrationTest {

  private static final String BUCKET = "rlhf-it-store";
  private static RlhfConfig cfg;
  private static MinioArtifactStore store;
  private static MinioClient raw;

  @TempDir Path tmp;

  @BeforeAll
  static void connect() throws IOException {
    cfg = RlhfConfig.fromEnv();
    assertTrue(cfg.s3Endpoint() != null, "RLHF_S3_ENDPOINT must be set for integration tests");
    store = new MinioArtifactStore(cfg.s3Endpoint(), cfg.s3AccessKey(), cfg.s3SecretKey(), BUCKET);
    store.ensureBucket();
    store.ensureBucket(); // idempotent
    raw = MinioClient.builder().endpoint(cfg.s3Endpoint()).credentials(cfg.s3AccessKey(), cfg.s3SecretKey()).build();
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
    raw.close();
  }

  /** Content unique to this test run, so a blob tampered with by a previous run is never reused. */
  private Path uniqueFile(String name, String content) throws IOException {
    return Files.writeString(tmp.resolve(name), content + " " + System.nanoTime(), StandardCharsets.UTF_8);
  }

  @Test
  void putStatGetAndVerify() throws Exception {
    Path f = uniqueFile("a.txt", "hello minio");
    String expected = Sha256.of(f).hex();
    ArtifactRef ref = store.put(f);
    assertEquals(expected, ref.sha256());
    assertEquals(Files.size(f), ref.sizeBytes());
    assertEquals("s3://" + BUCKET + "/sha256/" + expected, ref.uri());

    StatObjectResponse st = raw.statObject(StatObjectArgs.builder().bucket(BUCKET).object("sha256/" + expected).build());
    assertEquals(Files.size(f), st.size());
    assertEquals(expected, st.userMetadata().getFirst("sha256"));

    assertEquals(ref, store.put(f), "same bytes, same ref");
    assertTrue(store.exists(expected));
    Path back = store.get(ref, tmp.resolve("out/a.txt"));
    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back));
  }

  @Test
  void tamperedObjectIsCorrupt() throws Exception {
    Path original = uniqueFile("b.txt", "the real bytes");
    ArtifactRef ref = store.put(original);
    // Same length, other bytes: only the digest (on get) and the metadata (on put) can tell.
    byte[] real = Files.readAllBytes(original);
    byte[] fake = real.clone();
    fake[0] ^= 1;
    raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object("sha256/" + ref.sha256()).data(fake, fake.length).build());
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> store.get(ref, tmp.resolve("x")));
    assertTrue(e.getMessage().contains("s3://" + BUCKET + "/sha256/" + ref.sha256()), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("x")));
    // Putting the original again must notice that the stored object no longer matches.
    assertThrows(CorruptArtifactException.class, () -> store.put(original));
  }

  @Test
  void missingBlobNamesTheDigest() {
    String digest = Sha256.hex(("never stored " + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
    ArtifactRef ref = new ArtifactRef("s3://" + BUCKET + "/sha256/" + digest, digest, 1);
    NoSuchArtifactException e = assertThrows(NoSuchArtifactException.class, () -> store.get(ref, tmp.resolve("y")));
    assertTrue(e.getMessage().contains(digest), e.getMessage());
  }

  @Test
  void directoryRoundTrip() throws Exception {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt/tokenizer"));
    uniqueFile("ckpt/model.params", "weights");
    uniqueFile("ckpt/tokenizer/vocab.txt", "a b c");
    ArtifactRef index = store.putDirectory(tmp.resolve("ckpt"));
    Path restored = store.getDirectory(index, tmp.resolve("restored"));
    for (String f : new String[] {"model.params", "tokenizer/vocab.txt"}) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("ckpt").resolve(f)), Files.readAllBytes(restored.resolve(f)));
    }
    assertTrue(Files.isDirectory(ckpt));
  }

  @Test
  void manifestIsPutIfAbsent() throws Exception {
    String key = "it-" + System.nanoTime();
    assertEquals(Optional.empty(), store.getManifest(key));
    store.putManifest(key, "{\"first\":true}");
    store.putManifest(key, "{\"second\":true}");
    assertEquals(Optional.of("{\"first\":true}"), store.getManifest(key));
  }

  @Test
  void unreachableEndpointEndsAsAnIOExceptionWithinTheBudget() {
    Retry.Policy quick = Retry.Policy.DEFAULT.withBudget(Duration.ofSeconds(1));
    try (MinioArtifactStore dead = new MinioArtifactStore("http://127.0.0.1:1", "k", "s", BUCKET, quick)) {
      IOException e = assertThrows(IOException.class, () -> dead.exists("0".repeat(64)));
      assertTrue(e.getMessage().contains("failed after"), e.getMessage());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
