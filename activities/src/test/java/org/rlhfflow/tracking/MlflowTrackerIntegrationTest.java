package org.rlhfflow.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.config.RlhfConfig;

/** Against the real MLflow server at RLHF_MLFLOW_URI; everything is read back over its REST API. */
@Tag("integration")
class MlflowTrackerIntegrationTest {

  private static String uri;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  @TempDir Path tmp;

  @BeforeAll
  static void config() {
    uri = RlhfConfig.fromEnv().mlflowUri();
    assertTrue(uri != null, "RLHF_MLFLOW_URI must be set for integration tests");
  }

  /** A fresh experiment per test run, so reruns never find an old run. */
  private static String experiment(String name) {
    return "it-" + name + "-" + System.nanoTime();
  }

  private static JsonNode get(String path, Map<String, String> query) throws Exception {
    StringBuilder q = new StringBuilder();
    query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(uri + path + q)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return json.readTree(r.body());
  }

  private static Map<String, String> keyValues(JsonNode array) {
    Map<String, String> m = new HashMap<>();
    if (array != null) {
      array.forEach(n -> m.put(n.get("key").asText(), n.get("value").asText()));
    }
    return m;
  }

  @Test
  void nestedRunsParamsMetricsTagsAndArtifactsReadBackOverRest() throws Exception {
    String exp = experiment("tracker");
    Path report = Files.writeString(tmp.resolve("report.md"), "# evaluation\n");
    String parent;
    String child;
    try (MlflowTracker t = new MlflowTracker(uri)) {
      parent = t.startRun(exp, "pipeline", null, Map.of("rlhf.pipeline", "p1"));
      child = t.startRun(exp, "sft", parent, Map.of());
      t.logParams(child, Map.of("sft.lr", "3e-4", "s3.secret_key", "hunter2", "prompt", "x".repeat(600)));
      t.logMetric(child, "sft/loss", 2.5, 0);
      t.logMetric(child, "sft/loss", 1.5, 10);
      t.setTags(child, Map.of("stage", "sft"));
      t.logArtifact(child, report, "eval");
      t.endRun(child, "FINISHED");
      assertEquals(child, t.startRun(exp, "sft", parent, Map.of()), "a retry finds its run");
      t.endRun(child, "KILLED");
      t.endRun(parent, "FINISHED");
    }

    JsonNode run = get("/api/2.0/mlflow/runs/get", Map.of("run_id", child)).get("run");
    Map<String, String> tags = keyValues(run.get("data").get("tags"));
    assertEquals(parent, tags.get("mlflow.parentRunId"));
    assertEquals("sft", tags.get("mlflow.runName"));
    assertEquals("sft", tags.get("stage"));
    assertEquals(TrackingValues.runKey(exp, "sft", parent), tags.get(MlflowTracker.RUN_KEY_TAG));
    assertEquals("KILLED", run.get("info").get("status").asText());
    Map<String, String> params = keyValues(run.get("data").get("params"));
    assertEquals("3e-4", params.get("sft.lr"));
    assertFalse(params.containsKey("s3.secret_key"));
    assertEquals(TrackingValues.MAX_PARAM_VALUE, params.get("prompt").length());

    JsonNode history = get("/api/2.0/mlflow/metrics/get-history", Map.of("run_id", child, "metric_key", "sft/loss"))
        .get("metrics");
    assertEquals(2, history.size());
    assertEquals(0, history.get(0).get("step").asLong());
    assertEquals(2.5, history.get(0).get("value").asDouble());
    assertEquals(10, history.get(1).get("step").asLong());
    assertEquals(1.5, history.get(1).get("value").asDouble());

    JsonNode files = get("/api/2.0/mlflow/artifacts/list", Map.of("run_id", child, "path", "eval")).get("files");
    assertEquals(1, files.size());
    assertEquals("eval/report.md", files.get(0).get("path").asText());
    assertEquals(Files.size(report), files.get(0).get("file_size").asLong());

    JsonNode parentRun = get("/api/2.0/mlflow/runs/get", Map.of("run_id", parent)).get("run");
    assertEquals("FINISHED", parentRun.get("info").get("status").asText());
    assertFalse(keyValues(parentRun.get("data").get("tags")).containsKey("mlflow.parentRunId"));
  }

  @Test
  void bufferedMetricsSurviveAShortOutage() throws Exception {
    String exp = experiment("outage");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (ForwardingProxy proxy = new ForwardingProxy(uri); MlflowTracker t = new MlflowTracker(proxy.uri())) {
      String run = t.startRun(exp, "ppo", null, Map.of());
      proxy.down = true;
      for (int step = 0; step < 5; step++) {
        t.logMetric(run, "ppo/rm_score", step * 0.5, step);
      }
      Future<?> flushing = pool.submit(t::flush);
      proxy.refused.acquire(2); // the flush has failed twice and is backing off
      proxy.down = false;
      flushing.get();
      assertEquals(0, t.bufferedMetrics());
      t.endRun(run, "FINISHED");

      JsonNode history = get("/api/2.0/mlflow/metrics/get-history", Map.of("run_id", run, "metric_key", "ppo/rm_score"))
          .get("metrics");
      assertEquals(5, history.size(), "every point arrived exactly once");
      for (int step = 0; step < 5; step++) {
        assertEquals(step * 0.5, history.get(step).get("value").asDouble());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A stage that ends while MLflow is down does not fail: the run's end waits with its points,
   * and when the server is back the background flusher sends both, points first. The spool holds
   * them on disk meanwhile, and is empty once they are delivered.
   */
  @Test
  void aRunEndedDuringAnOutageIsEndedWithAllItsPointsWhenTheServerIsBack() throws Exception {
    String exp = experiment("deferred-end");
    Path spool = tmp.resolve("spool");
    try (ForwardingProxy proxy = new ForwardingProxy(uri); MlflowTracker t = new MlflowTracker(proxy.uri(), spool)) {
      String run = t.startRun(exp, "ppo", null, Map.of());
      proxy.down = true;
      for (int step = 0; step < 5; step++) {
        t.logMetric(run, "ppo/rm_score", step * 0.5, step);
      }
      t.endRun(run, "FINISHED"); // returns: nothing waits for the server
      assertEquals(1, t.pendingRunEnds());
      assertEquals(5, t.bufferedMetrics());
      try (var files = Files.walk(spool)) {
        assertEquals(2, files.filter(f -> f.toString().endsWith(".jsonl") || f.toString().endsWith(".end")).count(),
            "the points and the end are spooled");
      }
      proxy.down = false;
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (t.pendingRunEnds() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, t.pendingRunEnds(), "the end was not delivered within 60 s of the server's return");
      JsonNode info = get("/api/2.0/mlflow/runs/get", Map.of("run_id", run)).get("run").get("info");
      assertEquals("FINISHED", info.get("status").asText());
      JsonNode history = get("/api/2.0/mlflow/metrics/get-history", Map.of("run_id", run, "metric_key", "ppo/rm_score"))
          .get("metrics");
      assertEquals(5, history.size(), "every point arrived exactly once");
    }
  }

  /**
   * A worker killed during an outage: its points and its run's end are in the spool, and the next
   * tracker on the same RLHF_HOME delivers them once MLflow answers.
   */
  @Test
  void aWorkerThatDiesDuringAnOutageHandsItsPointsToTheNextOne() throws Exception {
    String exp = experiment("spool-handover");
    Path spool = tmp.resolve("spool");
    String run;
    try (ForwardingProxy proxy = new ForwardingProxy(uri)) {
      MlflowTracker dying = new MlflowTracker(proxy.uri(), spool);
      run = dying.startRun(exp, "ppo", null, Map.of());
      proxy.down = true;
      for (int step = 0; step < 7; step++) {
        dying.logMetric(run, "ppo/objective/kl", step * 0.125, step);
      }
      dying.endRun(run, "FINISHED");
      dying.abandon(); // kill -9: nothing more is sent
    }
    try (MlflowTracker next = new MlflowTracker(uri, spool)) {
      assertEquals(7, next.bufferedMetrics(), "the dead tracker's points were taken over");
      assertEquals(1, next.pendingRunEnds());
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (next.pendingRunEnds() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, next.pendingRunEnds());
    }
    JsonNode info = get("/api/2.0/mlflow/runs/get", Map.of("run_id", run)).get("run").get("info");
    assertEquals("FINISHED", info.get("status").asText());
    JsonNode history = get("/api/2.0/mlflow/metrics/get-history", Map.of("run_id", run, "metric_key", "ppo/objective/kl"))
        .get("metrics");
    assertEquals(7, history.size());
    try (var left = Files.walk(spool)) {
      assertEquals(0, left.filter(f -> f.toString().endsWith(".jsonl") || f.toString().endsWith(".end")).count(),
          "the spool is empty once delivered");
    }
  }

  @Test
  void experimentIsFoundByNameAcrossTrackers() throws Exception {
    String exp = experiment("shared");
    String a;
    try (MlflowTracker t = new MlflowTracker(uri)) {
      a = t.startRun(exp, "one", null, Map.of());
      t.endRun(a, "FINISHED");
    }
    try (MlflowTracker t = new MlflowTracker(uri)) {
      assertEquals(a, t.startRun(exp, "one", null, Map.of()));
      t.endRun(a, "FINISHED");
    }
    JsonNode e = get("/api/2.0/mlflow/experiments/get-by-name", Map.of("experiment_name", exp));
    String expId = e.get("experiment").get("experiment_id").asText();
    JsonNode run = get("/api/2.0/mlflow/runs/get", Map.of("run_id", a)).get("run");
    assertEquals(expId, run.get("info").get("experiment_id").asText());
  }
}
