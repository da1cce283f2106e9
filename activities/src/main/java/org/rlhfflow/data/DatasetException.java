package org.rlhfflow.data;

import java.nio.file.Path;

/**
 * A dataset file that cannot be used: missing or mistyped column, null in a required column,
 * truncated or corrupted bytes. The message names the file (and the row or line when there is
 * one). It is a data error, so retrying does not help.
 */
public final class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public DatasetException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public DatasetException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
