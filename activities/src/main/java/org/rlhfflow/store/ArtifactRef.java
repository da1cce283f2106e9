package org.rlhfflow.store;

import java.util.Objects;

/**
 * A content-addressed artifact: where it lives, its sha256 and its size. Workflow payloads carry
 * these, never the bytes.
 *
 * @param uri e.g. {@code s3://rlhf-artifacts/sha256/ab12...} or {@code file:///.../sha256/ab12...}
 * @param sha256 lowercase hex digest of the content
 * @param sizeBytes content length in bytes
 */
public record ArtifactRef(String uri, String sha256, long sizeBytes) {
  public ArtifactRef {
    Objects.requireNonNull(uri, "uri");
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex chars, got: " + sha256);
    }
  }
}
