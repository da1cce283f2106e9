package org.rlhfflow.model.ckpt;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file is missing, truncated, malformed or does not fit the model; names file and key. */
public final class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final String key;

  public CheckpointException(Path file, String key, String problem) {
    super(file + (key == null ? "" : " [" + key + "]") + ": " + problem);
    this.file = file;
    this.key = key;
  }

  public Path file() {
    return file;
  }

  /** The tensor or field at fault, or null when the problem is the file as a whole. */
  public String key() {
    return key;
  }
}
