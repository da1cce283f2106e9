package org.rlhfflow.store;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Artifacts in a MinIO (S3) bucket with the same layout as {@link LocalArtifactStore}. Every call
 * rides through short outages with {@link Retry}; each blob carries its sha256 in user metadata.
 *
 * <pre>{@code
 * ArtifactStore store = new MinioArtifactStore("http://minio:9000", key, secret, "rlhf-artifacts");
 * }</pre>
 */
public final class MinioArtifactStore implements ArtifactStore {

  static final String SHA256_META = "sha256";
  /** Another worker made the bucket between our check and our create: that is success. */
  private static final Set<String> BUCKET_EXISTS_CODES =
      Set.of("BucketAlreadyOwnedByYou", "BucketAlreadyExists");
  private static final long CONNECT_TIMEOUT_MS = 10_000;
  private static final long IO_TIMEOUT_MS = 120_000;

  private final MinioClient client;
  private final String bucket;
  private final Retry retry;
  private volatile boolean bucketReady;

  public MinioArtifactStore(String endpoint, String accessKey, String secretKey, String bucket) {
    this(endpoint, accessKey, secretKey, bucket, Retry.Policy.DEFAULT);
  }

  public MinioArtifactStore(
      String endpoint, String accessKey, String secretKey, String bucket, Retry.Policy policy) {
    this.client =
        MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
    this.client.setTimeout(CONNECT_TIMEOUT_MS, IO_TIMEOUT_MS, IO_TIMEOUT_MS);
    this.bucket = bucket;
    this.retry = new Retry(policy, MinioErrors::retryable);
  }

  public String bucket() {
    return bucket;
  }

  /** Creates the bucket unless it exists; safe to call from many workers at once. */
  public void ensureBucket() throws IOException {
    if (bucketReady) {
      return;
    }
    retry.call("create bucket " + bucket, () -> {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        try {
          client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        } catch (ErrorResponseException e) {
          if (!BUCKET_EXISTS_CODES.contains(e.errorResponse().code())) {
            throw e;
          }
        }
      }
      return null;
    });
    bucketReady = true;
  }

  @Override
  public ArtifactRef put(Path file) throws IOException {
    ensureBucket();
    Sha256.Digest d = Sha256.of(file); // the key is the digest, so it is known before uploading
    String key = blobKey(d.hex());
    Optional<StatObjectResponse> existing = stat(key);
    if (existing.isEmpty()) {
      upload(file, key, d);
    }
    StatObjectResponse stored =
        stat(key).orElseThrow(() -> new IOException("uploaded " + uri(key) + " is missing"));
    verifyStored(key, d, stored);
    return new ArtifactRef(uri(key), d.hex(), d.size());
  }

  /**
   * Uploads with {@code If-None-Match: *}, so an existing object is never replaced, and hashes
   * the bytes as they are sent. If the file changed since it was hashed, the object holds other
   * bytes than its name says: remove that (our own, just created) object and fail.
   */
  private void upload(Path file, String key, Sha256.Digest expected) throws IOException {
    Sha256.Digest sent = retry.call("upload " + file + " to " + uri(key), () -> {
      try (InputStream in = Files.newInputStream(file);
          HashingInputStream hin = new HashingInputStream(in)) {
        client.putObject(
            PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(hin, expected.size(), -1L)
                .userMetadata(Map.of(SHA256_META, expected.hex()))
                .extraHeaders(Map.of("If-None-Match", "*"))
                .build());
        return hin.digest();
      } catch (ErrorResponseException e) {
        if (MinioErrors.isPreconditionFailed(e)) {
          return expected; // another writer stored it first; put() verifies what is there
        }
        throw e;
      }
    });
    if (!sent.hex().equals(expected.hex())) {
      retry.call("remove bad upload " + uri(key), () -> {
        client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        return null;
      });
      throw new IOException(file + " changed while it was uploaded to " + uri(key)
          + " (sha256 " + expected.hex() + " before, " + sent.hex() + " during); upload removed");
    }
  }

  /**
   * After upload, or for a blob already there: size and recorded digest must both match. Every
   * blob this store writes records its digest, so a blob without one was written by something else.
   */
  private void verifyStored(String key, Sha256.Digest d, StatObjectResponse st) throws IOException {
    String recorded = st.userMetadata().getFirst(SHA256_META);
    if (st.size() != d.size() || !d.hex().equals(recorded)) {
      throw new CorruptArtifactException(uri(key) + " holds " + st.size() + " bytes with sha256 "
          + recorded + " in its metadata; expected " + d.size() + " bytes with sha256 " + d.hex());
    }
  }

  @Override
  public Path get(ArtifactRef ref, Path dest) throws IOException {
    ensureBucket();
    String key = blobKey(ref.sha256());
    Path dir = Files.createDirectories(dest.toAbsolutePath().getParent());
    Path part = Files.createTempFile(dir, dest.getFileName().toString(), ".part");
    try {
      Sha256.Digest got = retry.call("download " + uri(key), () -> {
        try (InputStream in = client.getObject(getArgs(key))) {
          return LocalFiles.writeTemp(in, part);
        } catch (ErrorResponseException e) {
          if (MinioErrors.isNotFound(e)) {
            throw new NoSuchArtifactException("no blob sha256:" + ref.sha256() + " at " + uri(key));
          }
          throw e;
        }
      });
      if (!got.hex().equals(ref.sha256())) {
        throw new CorruptArtifactException(
            "blob " + uri(key) + " is corrupt: expected sha256 " + ref.sha256() + ", read "
                + got.hex());
      }
      Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return dest;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  @Override
  public boolean exists(String sha256) throws IOException {
    ensureBucket();
    return stat(blobKey(sha256)).isPresent();
  }

  /** Put-if-absent with {@code If-None-Match: *}, so two workers finishing a stage cannot race. */
  @Override
  public void putManifest(String cacheKey, String manifestJson) throws IOException {
    ensureBucket();
    String key = manifestKey(cacheKey);
    byte[] bytes = manifestJson.getBytes(StandardCharsets.UTF_8);
    retry.call("put manifest " + uri(key), () -> {
      try {
        client.putObject(
            PutObjectArgs.builder().bucket(bucket).object(key)
                .data(bytes, bytes.length)
                .contentType("application/json")
                .userMetadata(Map.of(SHA256_META, Sha256.hex(bytes)))
                .extraHeaders(Map.of("If-None-Match", "*"))
                .build());
      } catch (ErrorResponseException e) {
        if (!MinioErrors.isPreconditionFailed(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  @Override
  public Optional<String> getManifest(String cacheKey) throws IOException {
    ensureBucket();
    String key = manifestKey(cacheKey);
    return retry.call("get manifest " + uri(key), () -> {
      try (InputStream in = client.getObject(getArgs(key))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return Optional.of(out.toString(StandardCharsets.UTF_8));
      } catch (ErrorResponseException e) {
        if (MinioErrors.isNotFound(e)) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  @Override
  public java.util.List<String> manifestKeys() throws IOException {
    ensureBucket();
    return retry.call("list " + uri("manifests/"), () -> {
      java.util.List<String> keys = new java.util.ArrayList<>();
      for (io.minio.Result<io.minio.messages.Item> r : client.listObjects(
          io.minio.ListObjectsArgs.builder().bucket(bucket).prefix("manifests/").build())) {
        String name = r.get().objectName().substring("manifests/".length());
        if (name.endsWith(".json")) {
          keys.add(name.substring(0, name.length() - ".json".length()));
        }
      }
      java.util.Collections.sort(keys);
      return keys;
    });
  }

  private Optional<StatObjectResponse> stat(String key) throws IOException {
    return retry.call("stat " + uri(key), () -> {
      try {
        StatObjectArgs args = StatObjectArgs.builder().bucket(bucket).object(key).build();
        return Optional.of(client.statObject(args));
      } catch (ErrorResponseException e) {
        if (MinioErrors.isNotFound(e)) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  private GetObjectArgs getArgs(String key) {
    return GetObjectArgs.builder().bucket(bucket).object(key).build();
  }

  String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  static String blobKey(String sha256) {
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex chars, got: " + sha256);
    }
    return "sha256/" + sha256;
  }

  static String manifestKey(String cacheKey) {
    return "manifests/" + LocalArtifactStore.checkCacheKey(cacheKey) + ".json";
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } catch (Exception e) {
      throw new IOException("closing the MinIO client", e);
    }
  }
}
