package org.rlhfflow.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content-addressed storage for every artifact the pipeline makes. Blobs live at {@code
 * sha256/<hex>}; stage manifests live at {@code manifests/<cacheKey>.json}. Uploads are verified
 * and nothing is ever overwritten: putting the same bytes twice returns the same ref.
 */
public interface ArtifactStore extends AutoCloseable {

  /** Stores the file's bytes under their sha256 and returns the verified reference. */
  ArtifactRef put(Path file) throws IOException;

  /**
   * Copies the blob to {@code dest}, verifying its sha256 on the way. A digest mismatch is an
   * {@link CorruptArtifactException}, never a silently wrong file.
   */
  Path get(ArtifactRef ref, Path dest) throws IOException;

  /** Whether a blob with this digest exists. */
  boolean exists(String sha256) throws IOException;

  /** Records a stage manifest under its cache key; an existing key is left as it is. */
  void putManifest(String cacheKey, String manifestJson) throws IOException;

  /** The manifest stored under this cache key, if any. */
  Optional<String> getManifest(String cacheKey) throws IOException;

  /**
   * Stores every regular file under {@code dir} (recursively) and a JSON index of relative path to
   * ref; returns the index's ref, which stands for the whole directory.
   */
  default ArtifactRef putDirectory(Path dir) throws IOException {
    return ArtifactDirectories.put(this, dir);
  }

  /** Restores a directory saved by {@link #putDirectory} into {@code dest}, verifying each file. */
  default Path getDirectory(ArtifactRef index, Path dest) throws IOException {
    return ArtifactDirectories.get(this, index, dest);
  }

  /** The cache keys of every stored manifest, for {@code rlhf lineage}'s search by output. */
  java.util.List<String> manifestKeys() throws IOException;

  @Override
  default void close() throws IOException {}
}
