package org.rlhfflow.store;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.util.Set;

/** Sorts MinIO/S3 failures into "try again" (outage, overload) and "will never work". */
final class MinioErrors {

  /** S3 error codes that mean the server is busy or starting, not that the request is wrong. */
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout",
          "XMinioServerNotInitialized", "XMinioReadQuorum", "XMinioWriteQuorum");

  private MinioErrors() {}

  static boolean retryable(Throwable t) {
    if (t instanceof NoSuchArtifactException || t instanceof CorruptArtifactException) {
      return false;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ErrorResponseException e) {
        return RETRYABLE_CODES.contains(e.errorResponse().code())
            || isServerStatus(e.response().code());
      }
      if (c instanceof ServerException e) {
        return isServerStatus(e.statusCode());
      }
      if (c instanceof InvalidResponseException) {
        return true; // a non-S3 answer, e.g. a proxy's 502 page while MinIO restarts
      }
      if (c instanceof IOException) {
        return true; // connection refused or reset, timeouts
      }
    }
    return false;
  }

  static boolean isNotFound(Throwable t) {
    return t instanceof ErrorResponseException e
        && Set.of("NoSuchKey", "NoSuchObject").contains(e.errorResponse().code());
  }

  static boolean isPreconditionFailed(Throwable t) {
    return t instanceof ErrorResponseException e
        && ("PreconditionFailed".equals(e.errorResponse().code()) || e.response().code() == 412);
  }

  private static boolean isServerStatus(int status) {
    return status >= 500 || status == 429;
  }
}
