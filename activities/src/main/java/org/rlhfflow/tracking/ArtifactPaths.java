package org.rlhfflow.tracking;

import java.nio.file.Path;

/** Run-artifact paths: relative, slash-separated, never escaping the run's artifact root. */
final class ArtifactPaths {

  private ArtifactPaths() {}

  /** The relative path {@code artifactPath/fileName} (artifactPath may be null or empty). */
  static String join(String artifactPath, String fileName) {
    String dir = artifactPath == null ? "" : artifactPath.replaceAll("^/+|/+$", "");
    String rel = dir.isEmpty() ? fileName : dir + "/" + fileName;
    for (String part : rel.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("bad artifact path: '" + rel + "'");
      }
    }
    return rel;
  }

  static Path resolve(Path root, String artifactPath, String fileName) {
    return root.resolve(join(artifactPath, fileName));
  }
}
