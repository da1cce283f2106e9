package org.rlhfflow.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Stores a directory (a checkpoint is a few files) as one blob per file plus a JSON index blob
 * mapping each relative path to its ref; the index's ref stands for the whole directory.
 */
final class ArtifactDirectories {

  static final String FORMAT = "rlhf-directory/1";
  static final String BLOB_PREFIX = "sha256/";

  /** The index blob's content: sorted, so the same directory always yields the same index ref. */
  record Index(String format, TreeMap<String, ArtifactRef> files) {}

  private ArtifactDirectories() {}

  static ArtifactRef put(ArtifactStore store, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("not a directory: " + dir);
    }
    TreeMap<String, ArtifactRef> files = new TreeMap<>();
    for (Path f : regularFiles(dir)) {
      ArtifactRef ref = store.put(f);
      // Store-relative uri: the index (and so the directory's digest) is the same whichever
      // store or RLHF_HOME holds it, which keeps checkpoint refs comparable across machines.
      ArtifactRef relative =
          new ArtifactRef(BLOB_PREFIX + ref.sha256(), ref.sha256(), ref.sizeBytes());
      files.put(relativeName(dir, f), relative);
    }
    Path indexFile = Files.createTempFile("rlhf-dir-index-", ".json");
    try {
      Json.MAPPER.writeValue(indexFile.toFile(), new Index(FORMAT, files));
      return store.put(indexFile);
    } finally {
      Files.deleteIfExists(indexFile);
    }
  }

  static Path get(ArtifactStore store, ArtifactRef indexRef, Path dest) throws IOException {
    Index index = readIndex(store, indexRef);
    Path root = Files.createDirectories(dest).toAbsolutePath().normalize();
    for (Map.Entry<String, ArtifactRef> e : index.files().entrySet()) {
      Path target = root.resolve(e.getKey()).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new IOException(
            "directory index sha256:" + indexRef.sha256() + " has an unsafe path: " + e.getKey());
      }
      Files.createDirectories(target.getParent());
      store.get(e.getValue(), target);
    }
    return dest;
  }

  private static Index readIndex(ArtifactStore store, ArtifactRef indexRef) throws IOException {
    Path indexFile = Files.createTempFile("rlhf-dir-index-", ".json");
    try {
      store.get(indexRef, indexFile);
      Index index;
      try {
        index = Json.MAPPER.readValue(indexFile.toFile(), Index.class);
      } catch (IOException e) {
        throw new IOException(
            "sha256:" + indexRef.sha256() + " is not a directory index: " + e.getMessage(), e);
      }
      if (!FORMAT.equals(index.format()) || index.files() == null) {
        throw new IOException(
            "sha256:" + indexRef.sha256() + " is not a " + FORMAT + " index (format: "
                + index.format() + ")");
      }
      return index;
    } finally {
      Files.deleteIfExists(indexFile);
    }
  }

  private static List<Path> regularFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** Slash-separated on every platform, so an index written on one OS reads on another. */
  private static String relativeName(Path dir, Path file) {
    Path rel = dir.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }
}
