package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * Issue 9's MLflow outage on the real stack: MLflow is down for 60 s from the middle of PPO, the
 * pipeline completes, and afterwards MLflow holds every metric point an uninterrupted run of the
 * same spec and seed logged, with the same values, in runs that all ended FINISHED. The MLflow
 * server is the test's own ({@link PrivateMlflow}): the shared one serves other tests.
 */
@Tag("integration")
class MlflowOutageIntegrationTest {
  private static final long SEED = 29;
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  /** Metrics that measure time: their steps are compared, not their values. */
  private static final Pattern TIMED = Pattern.compile("^timing/|wall|_s$|_s/|per_s|throughput");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void mlflowDownFor60sDuringPpoLosesNoMetricPoint() throws Exception {
    String queue = DurabilityStack.unique("dur-mlflow");
    String baselineId = queue + "-baseline";
    String outageId = queue + "-outage";
    try (DurabilityStack stack = new DurabilityStack(); PrivateMlflow mlflow = new PrivateMlflow(tmp.resolve("mlflow"))) {
      mlflow.start();
      List<WorkflowStub> started = new ArrayList<>();
      try (WorkerProcess worker = WorkerProcess.start(tmp.resolve("worker"), queue, Map.of("RLHF_MLFLOW_URI", mlflow.uri()))) {
        WorkflowStub baseline = stack.start(baselineId, queue, SEED, List.of("all"));
        started.add(baseline);
        baseline.getResult(20, TimeUnit.MINUTES, PipelineResult.class);

        WorkflowStub outage = stack.start(outageId, queue, SEED, List.of("all"));
        started.add(outage);
        awaitHeartbeat(stack, outageId, "Ppo");
        long down = System.nanoTime();
        mlflow.kill();
        Thread.sleep(OUTAGE.toMillis());
        mlflow.start();
        System.out.printf("MLFLOW outage %.1f s, from PPO's first heartbeat%n", (System.nanoTime() - down) / 1e9);
        outage.getResult(20, TimeUnit.MINUTES, PipelineResult.class);

        Map<String, List<String>> expected = points(mlflow.uri(), baselineId);
        Map<String, List<String>> got = awaitPoints(mlflow.uri(), outageId, expected);
        long n = expected.values().stream().mapToLong(List::size).sum();
        System.out.println("MLFLOW points baseline=" + n + " after_outage=" + got.values().stream().mapToLong(List::size).sum()
            + " series=" + expected.size());
        assertTrue(expected.keySet().stream().anyMatch(k -> k.startsWith("ppo ")), "no PPO metric: " + expected.keySet());
        assertEquals(expected, got, "metric points of the run with the outage vs the uninterrupted run");
        for (JsonNode run : MlflowRuns.of(mlflow.uri(), "durability", outageId)) {
          assertEquals("FINISHED", MlflowRuns.status(run), run.path("info").toString());
        }
      } finally {
        for (WorkflowStub s : started) {
          try {
            s.terminate("test finished");
          } catch (RuntimeException closed) {
            // completed
          }
        }
      }
    }
  }

  /**
   * The points may still be on their way when the workflow completes (the background flusher sends
   * them within seconds of the server's return): wait up to a minute for them to match.
   */
  private static Map<String, List<String>> awaitPoints(String uri, String workflowId, Map<String, List<String>> expected)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    Map<String, List<String>> got = points(uri, workflowId);
    while (!got.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      got = points(uri, workflowId);
    }
    return got;
  }

  /** "stage key" -> the run's points of that metric as "step=value" ("step" only for timed metrics), by step. */
  private static Map<String, List<String>> points(String uri, String workflowId) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    HttpClient http = HttpClient.newHttpClient();
    List<JsonNode> runs = MlflowRuns.of(uri, "durability", workflowId);
    assertFalse(runs.isEmpty(), "no MLflow run of " + workflowId);
    for (JsonNode run : runs) {
      String stage = MlflowRuns.tag(run, "rlhf.stage");
      String name = stage == null ? "pipeline" : stage;
      String runId = run.path("info").path("run_id").asText();
      for (JsonNode latest : run.path("data").path("metrics")) {
        String key = latest.path("key").asText();
        JsonNode history = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri
            + "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key="
            + URLEncoder.encode(key, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body());
        List<String> ps = new ArrayList<>();
        for (JsonNode p : history.path("metrics")) {
          ps.add(TIMED.matcher(key).find() ? Long.toString(p.path("step").asLong())
              : p.path("step").asLong() + "=" + p.path("value").asDouble());
        }
        ps.sort(null);
        out.put(name + " " + key, ps);
      }
    }
    return out;
  }

  private static void awaitHeartbeat(DurabilityStack stack, String workflowId, String activityType)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      var p = stack.pending(workflowId);
      if (p.isPresent() && p.get().activityType().equals(activityType) && p.get().progress().isPresent()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no heartbeat of " + activityType + " in " + workflowId);
  }
}
