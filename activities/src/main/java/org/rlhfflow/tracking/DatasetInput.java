package org.rlhfflow.tracking;

import java.util.Objects;

/**
 * A dataset a run read, as MLflow's {@code runs/log-inputs} records it (the Datasets column of the
 * UI; MLflow's {@code Dataset} entity).
 *
 * @param name e.g. {@code preferences}
 * @param digest the artifact's sha256 (full hex); MLflow's digest field holds at most 36 characters, so
 *     the tracker sends its first {@link #MLFLOW_DIGEST_CHARS} and puts the whole one in the profile
 * @param source where it lives: the artifact URI ({@code s3://...} or {@code file://...})
 * @param schema MLflow colspec JSON, e.g. {@code {"mlflow_colspec": [{"type": "string", "name": "prompt"}]}}
 * @param rows number of rows, for the profile
 * @param context what the run used it for: {@code training}, {@code evaluation}
 */
public record DatasetInput(String name, String digest, String source, String schema, long rows, String context) {
  /** MLflow rejects dataset digests longer than 36 characters. */
  public static final int MLFLOW_DIGEST_CHARS = 32;

  public DatasetInput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(source, "source");
  }

  /** MLflow's source_type for {@link #source}: {@code s3}, {@code local} or {@code http}. */
  public String sourceType() {
    if (source.startsWith("s3://")) {
      return "s3";
    }
    if (source.startsWith("file:") || source.startsWith("/")) {
      return "local";
    }
    return "http";
  }
}
