package org.rlhfflow.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The MLflow runs of one workflow, read through MLflow's REST API as a user's script would. */
final class MlflowRuns {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MlflowRuns() {}

  static List<JsonNode> of(String uri, String experiment, String workflowId) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    JsonNode exp = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri
        + "/api/2.0/mlflow/experiments/get-by-name?experiment_name="
        + URLEncoder.encode(experiment, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body());
    String body = JSON.writeValueAsString(Map.of(
        "experiment_ids", List.of(exp.path("experiment").path("experiment_id").asText()),
        "filter", "tags.rlhf.workflow_id = '" + workflowId + "'",
        "max_results", 100));
    JsonNode found = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri + "/api/2.0/mlflow/runs/search"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    List<JsonNode> runs = new ArrayList<>();
    found.path("runs").forEach(runs::add);
    return runs;
  }

  static String tag(JsonNode run, String key) {
    for (JsonNode t : run.path("data").path("tags")) {
      if (key.equals(t.path("key").asText())) {
        return t.path("value").asText();
      }
    }
    return null;
  }

  static String status(JsonNode run) {
    return run.path("info").path("status").asText();
  }
}
