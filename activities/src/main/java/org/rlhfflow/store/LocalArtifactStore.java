package org.rlhfflow.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The embedded artifact store: a directory with blobs at {@code sha256/<hex>} and manifests at
 * {@code manifests/<cacheKey>.json}, the same layout as the MinIO bucket.
 *
 * <pre>{@code
 * ArtifactStore store = new LocalArtifactStore(Path.of(".rlhf/artifacts"));
 * ArtifactRef ref = store.put(Path.of("model.params"));
 * }</pre>
 */
public final class LocalArtifactStore implements ArtifactStore {

  static final Pattern CACHE_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private final Path root;
  private final Path blobs;
  private final Path manifests;
  private final Path tmp;

  public LocalArtifactStore(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.blobs = Files.createDirectories(this.root.resolve("sha256"));
    this.manifests = Files.createDirectories(this.root.resolve("manifests"));
    // Temp files live inside the store so the final link/rename stays on one filesystem.
    this.tmp = Files.createDirectories(this.root.resolve("tmp"));
  }

  public Path root() {
    return root;
  }

  @Override
  public ArtifactRef put(Path file) throws IOException {
    Path part = Files.createTempFile(tmp, "put-", ".part");
    Sha256.Digest d;
    try (InputStream in = Files.newInputStream(file)) {
      d = LocalFiles.writeTemp(in, part);
    } catch (IOException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    Path target = blobPath(d.hex());
    LocalFiles.publishIfAbsent(part, target);
    long stored = Files.size(target);
    if (stored != d.size()) {
      throw new CorruptArtifactException(
          "blob " + target + " has " + stored + " bytes but its content " + d.hex() + " has "
              + d.size() + " (read from " + file + ")");
    }
    return new ArtifactRef(target.toUri().toString(), d.hex(), d.size());
  }

  @Override
  public Path get(ArtifactRef ref, Path dest) throws IOException {
    Path blob = blobPath(ref.sha256());
    Path dir = dest.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path part = Files.createTempFile(dir, dest.getFileName().toString(), ".part");
    try {
      Sha256.Digest d;
      try (InputStream in = Files.newInputStream(blob)) {
        d = LocalFiles.writeTemp(in, part);
      } catch (NoSuchFileException e) {
        throw new NoSuchArtifactException("no blob sha256:" + ref.sha256() + " at " + blob);
      }
      if (!d.hex().equals(ref.sha256())) {
        throw new CorruptArtifactException(
            "blob " + blob + " is corrupt: expected sha256 " + ref.sha256() + ", read " + d.hex());
      }
      Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return dest;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  @Override
  public boolean exists(String sha256) {
    return Files.isRegularFile(blobPath(sha256));
  }

  @Override
  public void putManifest(String cacheKey, String manifestJson) throws IOException {
    Path target = manifestPath(cacheKey);
    Path part = Files.createTempFile(tmp, "manifest-", ".part");
    byte[] bytes = manifestJson.getBytes(StandardCharsets.UTF_8);
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      LocalFiles.writeTemp(in, part);
    }
    LocalFiles.publishIfAbsent(part, target);
  }

  @Override
  public Optional<String> getManifest(String cacheKey) throws IOException {
    Path p = manifestPath(cacheKey);
    try {
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public java.util.List<String> manifestKeys() throws IOException {
    if (!Files.isDirectory(manifests)) {
      return java.util.List.of();
    }
    try (java.util.stream.Stream<Path> files = Files.list(manifests)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
    }
  }

  private Path blobPath(String sha256) {
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex chars, got: " + sha256);
    }
    return blobs.resolve(sha256);
  }

  private Path manifestPath(String cacheKey) {
    return manifests.resolve(checkCacheKey(cacheKey) + ".json");
  }

  /** Cache keys become object names: keep them to a safe alphabet so no key escapes its folder. */
  static String checkCacheKey(String cacheKey) {
    if (cacheKey == null || !CACHE_KEY.matcher(cacheKey).matches()) {
      throw new IllegalArgumentException(
          "cache key must match " + CACHE_KEY.pattern() + ", got: " + cacheKey);
    }
    return cacheKey;
  }
}
