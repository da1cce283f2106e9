package org.rlhfflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.MinioArtifactStore;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * The pipeline, shrunk, through the real stack: started with the Temporal CLI as the README shows,
 * run by a real worker, artifacts in MinIO, runs in MLflow.
 */
@Tag("integration")
class PipelineStackIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pipelineStartedWithTheTemporalCliCompletesOnTheRealStack(@TempDir Path tmp) throws Exception {
    RlhfConfig env = RlhfConfig.fromEnv();
    String cli = System.getenv("RLHF_TEMPORAL_CLI");
    assertNotNull(env.temporalAddress(), "RLHF_TEMPORAL_ADDRESS is not set: run this through ./test.sh");
    assertNotNull(env.s3Endpoint(), "RLHF_S3_ENDPOINT is not set: run this through ./test.sh");
    assertNotNull(env.mlflowUri(), "RLHF_MLFLOW_URI is not set: run this through ./test.sh");
    assertNotNull(cli, "RLHF_TEMPORAL_CLI is not set: run this through ./test.sh");

    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String queue = "it-pipeline-" + suffix;
    String workflowId = "it-pipeline-" + suffix;
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/it-small.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("QUEUE", queue);
    }
    // The same input file a user passes to `temporal workflow start --input-file`.
    Map<String, Object> input = new HashMap<>();
    input.put("specPath", "it-small.yaml");
    input.put("specYaml", yaml);
    input.put("seed", 5);
    input.put("forceStages", List.of("all")); // earlier runs' manifests would otherwise be reused
    Path inputFile = tmp.resolve("input.json");
    JSON.writeValue(inputFile.toFile(), input);

    RlhfConfig config = new RlhfConfig(env.temporalAddress(), env.namespace(), env.s3Endpoint(), env.s3AccessKey(),
        env.s3SecretKey(), env.bucket(), env.mlflowUri(), List.of(queue), tmp.resolve("home"));
    PipelineResult result;
    try (WorkerHost host = WorkerHost.start(config, WorkerSetup::register, Duration.ofSeconds(10))) {
      TemporalCli.run(cli, config, "workflow", "start", "--type", "RlhfPipeline", "--task-queue", queue,
          "--workflow-id", workflowId, "--input-file", inputFile.toString());
      result = host.client().newUntypedWorkflowStub(workflowId).getResult(15, TimeUnit.MINUTES, PipelineResult.class);
    }

    // it-small.yaml's method is ppo: its pipeline, not every stage in the registry.
    assertEquals(StageRegistry.plan(SpecLoader.parse(yaml, "it-small.yaml")), List.copyOf(result.stages().keySet()));
    double oracle = ((Number) ((Map<?, ?>) result.summary().get("oracle_score")).get("ppo")).doubleValue();
    assertTrue(oracle >= 0 && oracle <= 1, "oracle score " + oracle);

    // Every output is in MinIO, and its bytes match its digest.
    try (MinioArtifactStore store = new MinioArtifactStore(env.s3Endpoint(), env.s3AccessKey(), env.s3SecretKey(),
        env.bucket())) {
      List<ArtifactRef> refs = new ArrayList<>(List.of(result.summaryJson()));
      result.stages().values().stream().map(StageResult::outputs).forEach(o -> refs.addAll(o.values()));
      for (ArtifactRef ref : refs) {
        Path file = store.get(ref, tmp.resolve("check-" + ref.sha256()));
        assertEquals(ref.sha256(), Sha256.of(file).hex(), ref.toString());
      }
      Path policy = store.getDirectory(result.stages().get(PpoStage.NAME).output("checkpoint"), tmp.resolve("policy"));
      assertTrue(Files.exists(policy.resolve("model.safetensors")));
    }

    // MLflow: one parent run and a nested run per stage, each with metrics.
    JsonNode runs = mlflowRuns(env.mlflowUri(), "it-pipeline", workflowId);
    JsonNode parent = null;
    List<JsonNode> children = new ArrayList<>();
    for (JsonNode run : runs) {
      if (tag(run, "mlflow.parentRunId") == null) {
        parent = run;
      } else {
        children.add(run);
      }
    }
    assertNotNull(parent, "no parent run among " + runs);
    assertEquals(result.stages().size(), children.size(), runs.toString()); // one nested run per stage it ran
    for (JsonNode child : children) {
      assertEquals(parent.path("info").path("run_id").asText(), tag(child, "mlflow.parentRunId"));
      assertEquals("FINISHED", child.path("info").path("status").asText());
      assertFalse(child.path("data").path("metrics").isEmpty(), "no metrics in " + tag(child, "rlhf.stage"));
    }
    assertEquals("FINISHED", parent.path("info").path("status").asText());
  }

  private static String tag(JsonNode run, String key) {
    for (JsonNode t : run.path("data").path("tags")) {
      if (key.equals(t.path("key").asText())) {
        return t.path("value").asText();
      }
    }
    return null;
  }

  private static JsonNode mlflowRuns(String uri, String experiment, String workflowId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    JsonNode exp = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri
        + "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + URLEncoder.encode(experiment,
            StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body());
    String body = JSON.writeValueAsString(Map.of(
        "experiment_ids", List.of(exp.path("experiment").path("experiment_id").asText()),
        "filter", "tags.rlhf.workflow_id = '" + workflowId + "'",
        "max_results", 100));
    JsonNode found = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri + "/api/2.0/mlflow/runs/search"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    return found.path("runs");
  }
}
