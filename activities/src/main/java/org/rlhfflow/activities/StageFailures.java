package org.rlhfflow.activities;

import io.temporal.failure.ApplicationFailure;
import org.rlhfflow.data.DatasetException;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.store.CorruptArtifactException;

/**
 * Which failures are worth retrying. Bad input (spec, dataset, checkpoint, tokenizer) and a
 * diverged run fail the stage at once with a message naming the file and field; everything else
 * (a dead MinIO, a lost connection) is an infrastructure error that Temporal retries with backoff.
 */
public final class StageFailures {
  /** Failure types, stable strings that callers and tests can match on. */
  public static final String VALIDATION = "ValidationError";
  public static final String DIVERGED = "TrainingDiverged";

  private StageFailures() {}

  /** The run went numerically wrong (NaN/Inf loss, exploding KL); the last good checkpoint is kept. */
  public static final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
      super(message);
    }
  }

  /** Bad input found by a stage itself, e.g. a preference file with no pairs. */
  public static final class ValidationException extends RuntimeException {
    public ValidationException(String message) {
      super(message);
    }
  }

  /** Null when {@code e} should be retried; otherwise the non-retryable failure to throw. */
  public static ApplicationFailure nonRetryable(String stage, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TrainingDivergedException) {
        return ApplicationFailure.newNonRetryableFailure(stage + ": " + t.getMessage(), DIVERGED);
      }
      // A blob whose bytes do not match its digest stays corrupt however often it is read again.
      if (t instanceof SpecException || t instanceof DatasetException || t instanceof CheckpointException
          || t instanceof CorruptArtifactException || t instanceof ValidationException
          || t instanceof IllegalArgumentException) {
        return ApplicationFailure.newNonRetryableFailure(stage + ": " + t.getMessage(), VALIDATION);
      }
    }
    return null;
  }
}
