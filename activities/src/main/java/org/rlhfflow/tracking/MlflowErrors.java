package org.rlhfflow.tracking;

import java.io.IOException;
import org.mlflow.tracking.MlflowHttpException;

/** Which MLflow failures are an outage worth waiting out, and which are our mistake. */
final class MlflowErrors {

  private MlflowErrors() {}

  static boolean retryable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MlflowHttpException e) {
        return e.getStatusCode() >= 500 || e.getStatusCode() == 429;
      }
      if (c instanceof IOException) {
        return true; // connection refused, reset, timed out
      }
    }
    return false;
  }

  static boolean alreadyExists(Throwable t) {
    return t instanceof MlflowHttpException e
        && e.getBodyMessage() != null
        && e.getBodyMessage().contains("RESOURCE_ALREADY_EXISTS");
  }
}
