package org.rlhfflow.tracking;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.mlflow.tracking.MlflowHttpException;

/**
 * Uploads run artifacts through the tracking server's artifact proxy ({@code mlflow server
 * --artifacts-destination}), in plain Java: the MLflow Java client's logArtifact shells out to a
 * Python MLflow install, which workers do not have.
 */
final class MlflowArtifacts {

  static final String SCHEME = "mlflow-artifacts:";
  private static final String PROXY_API = "/api/2.0/mlflow-artifacts/artifacts/";

  private final String trackingUri;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  MlflowArtifacts(String trackingUri) {
    this.trackingUri = trackingUri.replaceAll("/+$", "");
  }

  /**
   * The proxy URL for a file under a run's artifact root: root {@code
   * mlflow-artifacts:/1/<run>/artifacts} and path {@code eval/report.md} give {@code
   * <tracking>/api/2.0/mlflow-artifacts/artifacts/1/<run>/artifacts/eval/report.md}.
   */
  URI uploadUri(String artifactRoot, String relativePath) {
    if (artifactRoot == null || !artifactRoot.startsWith(SCHEME)) {
      throw new IllegalStateException(
          "run artifact root is " + artifactRoot + ", not " + SCHEME + "...: start the MLflow"
              + " server with --artifacts-destination so artifacts go through its proxy");
    }
    // mlflow-artifacts:/1/abc/artifacts or mlflow-artifacts://host:port/1/abc/artifacts
    String path = artifactRoot.substring(SCHEME.length());
    if (path.startsWith("//")) {
      path = path.substring(path.indexOf('/', 2));
    }
    String joined = path.replaceAll("^/+|/+$", "") + "/" + relativePath;
    StringBuilder url = new StringBuilder(trackingUri).append(PROXY_API);
    String[] parts = joined.split("/");
    for (int i = 0; i < parts.length; i++) {
      // URLEncoder is for forms: a space becomes '+', which a path segment must spell %20.
      String segment = URLEncoder.encode(parts[i], StandardCharsets.UTF_8).replace("+", "%20");
      url.append(i == 0 ? "" : "/").append(segment);
    }
    return URI.create(url.toString());
  }

  /** One PUT; the caller retries. Non-2xx answers become MlflowHttpException, like the client's. */
  void upload(URI target, Path file) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofMinutes(5))
            .PUT(HttpRequest.BodyPublishers.ofFile(file))
            .build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() / 100 != 2) {
      throw new MlflowHttpException(resp.statusCode(), "PUT " + target, resp.body());
    }
  }
}
