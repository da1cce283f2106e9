package org.rlhfflow.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;

/** Dataset inputs and registered model versions, read back from the real MLflow over REST. */
@Tag("integration")
class MlflowDatasetsAndModelsIntegrationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String uri;

  @TempDir Path tmp;

  @BeforeAll
  static void config() {
    uri = RlhfConfig.fromEnv().mlflowUri();
    assertTrue(uri != null, "RLHF_MLFLOW_URI must be set for integration tests");
  }

  private static JsonNode get(String path, Map<String, String> query) throws Exception {
    StringBuilder q = new StringBuilder();
    query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri + path + q)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void datasetInputsCarryDigestSourceSchemaAndRows() throws Exception {
    Path file = tmp.resolve("prefs.arrow");
    ArrowDatasets.writePreferences(file, List.of(PreferencePair.of("1=", "23", "22"), PreferencePair.of("5=", "67", "66")));
    String sha = Sha256.of(file).hex();
    ArtifactRef ref = new ArtifactRef("s3://rlhf-artifacts/sha256/" + sha, sha, 100);
    String run;
    try (MlflowTracker t = new MlflowTracker(uri)) {
      run = t.startRun("it-datasets-" + System.nanoTime(), "reward_model", null, Map.of());
      DatasetInput in = ArrowDatasets.input("preferences", ref, file, "training");
      t.logInputs(run, List.of(in));
      t.logInputs(run, List.of(in)); // a retried activity logs again: still one input
      t.endRun(run, "FINISHED");
    }
    JsonNode inputs = get("/api/2.0/mlflow/runs/get", Map.of("run_id", run)).at("/run/inputs/dataset_inputs");
    assertEquals(1, inputs.size(), inputs.toString());
    JsonNode ds = inputs.get(0).get("dataset");
    assertEquals("preferences", ds.get("name").asText());
    assertEquals(sha.substring(0, 32), ds.get("digest").asText()); // MLflow holds at most 36 characters
    assertEquals(sha, JSON.readTree(ds.get("profile").asText()).get("sha256").asText());
    assertEquals("s3", ds.get("source_type").asText());
    assertEquals(ref.uri(), JSON.readTree(ds.get("source").asText()).get("uri").asText());
    JsonNode cols = JSON.readTree(ds.get("schema").asText()).get("mlflow_colspec");
    assertEquals("prompt", cols.get(0).get("name").asText());
    assertEquals("string", cols.get(0).get("type").asText());
    assertEquals(2, JSON.readTree(ds.get("profile").asText()).get("num_rows").asInt());
    assertEquals("training", inputs.get(0).at("/tags/0/value").asText());
  }

  @Test
  void aModelVersionIsRegisteredOnceWithItsShaSpecAndWorkflowTags() throws Exception {
    String model = "it-policy-" + System.nanoTime();
    String sha = "ab".repeat(32);
    Map<String, String> tags = Map.of(MlflowTracker.ARTIFACT_SHA_TAG, sha, "rlhf.spec_sha256", "cd".repeat(32),
        "rlhf.workflow_id", "wf-1");
    String run;
    String v1;
    String v2;
    try (MlflowTracker t = new MlflowTracker(uri)) {
      run = t.startRun("it-models-" + System.nanoTime(), "pipeline", null, Map.of());
      v1 = t.registerModelVersion(model, "s3://rlhf-artifacts/sha256/" + sha, run, tags);
      v2 = t.registerModelVersion(model, "s3://rlhf-artifacts/sha256/" + sha, run, tags); // retried finish
      t.endRun(run, "FINISHED");
    }
    assertEquals("1", v1);
    assertEquals(v1, v2);
    JsonNode mv = get("/api/2.0/mlflow/model-versions/get", Map.of("name", model, "version", v1)).get("model_version");
    assertEquals(run, mv.get("run_id").asText());
    assertEquals("s3://rlhf-artifacts/sha256/" + sha, mv.get("source").asText());
    Map<String, String> got = new HashMap<>();
    mv.get("tags").forEach(n -> got.put(n.get("key").asText(), n.get("value").asText()));
    assertEquals(tags, got);
  }
}
