package org.rlhfflow.store;

import java.io.IOException;

/** No blob with the requested digest exists in the store: not retryable, the ref is dangling. */
public class NoSuchArtifactException extends IOException {
  public NoSuchArtifactException(String message) {
    super(message);
  }
}
