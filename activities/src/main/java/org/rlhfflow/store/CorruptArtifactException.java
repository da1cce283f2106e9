package org.rlhfflow.store;

import java.io.IOException;

/** A stored blob whose bytes no longer match its digest. */
public class CorruptArtifactException extends IOException {
  public CorruptArtifactException(String message) {
    super(message);
  }
}
