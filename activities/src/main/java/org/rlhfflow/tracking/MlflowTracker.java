package org.rlhfflow.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.rlhfflow.store.Retry;

/**
 * Tracking on an MLflow server: experiments by name, nested runs via {@code mlflow.parentRunId},
 * metrics buffered and sent with logBatch, artifacts through the server's artifact proxy.
 *
 * <pre>{@code
 * try (Tracker t = new MlflowTracker("http://mlflow:5000")) {
 *   String parent = t.startRun("rlhf", "pipeline-42", null, Map.of());
 *   String sft = t.startRun("rlhf", "sft", parent, Map.of());
 *   t.logMetric(sft, "sft/loss", 2.1, 10);
 * }
 * }</pre>
 */
public final class MlflowTracker implements Tracker {

  /** Our tag holding the run's identity, so a retried activity finds its run instead of a twin. */
  public static final String RUN_KEY_TAG = "rlhf.run_key";

  /** Tag of a registered model version: the sha256 of the checkpoint it points at. */
  public static final String ARTIFACT_SHA_TAG = "rlhf.artifact_sha256";

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** MLflow's logBatch limit for params and tags (mlflow/utils/validation.py). */
  private static final int MAX_PARAMS_PER_BATCH = 100;
  private static final int FLUSH_SIZE = 200;
  private static final long FLUSH_INTERVAL_MS = 5_000;
  private static final long BACKGROUND_S = 2;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MlflowTracker.class);

  private final MlflowClient client;
  private final MlflowArtifacts artifacts;
  private final Retry retry;
  private final MetricBuffer metrics;
  private final LongSupplier clock;
  private final Map<String, String> experimentIds = new HashMap<>();
  private final MetricSpool spool; // null: unsent points live in memory only
  /** Run ends waiting for their points to be delivered, by run id. */
  private final Map<String, MetricSpool.End> pendingEnds = new java.util.LinkedHashMap<>();
  private final ScheduledExecutorService flusher;

  /**
   * Tracking calls wait out an outage of up to 5 minutes before they fail the activity: a failed
   * activity is retried from its last checkpoint, which costs the steps since then and logs their
   * points a second time, so a minute-long MLflow restart (MlflowOutageIntegrationTest) must not
   * reach that far. The store's 60 s budget is for artifacts, which nothing else holds.
   */
  static final Retry.Policy TRACKING = Retry.Policy.DEFAULT.withBudget(java.time.Duration.ofMinutes(5));

  public MlflowTracker(String trackingUri) {
    this(trackingUri, TRACKING, System::currentTimeMillis, null);
  }

  /**
   * A tracker whose undelivered metrics and run ends are also kept under {@code spoolRoot}, and
   * which first takes over what a dead worker left there.
   */
  public MlflowTracker(String trackingUri, Path spoolRoot) {
    this(trackingUri, TRACKING, System::currentTimeMillis, spoolRoot);
  }

  public MlflowTracker(String trackingUri, Retry.Policy policy, LongSupplier clock, Path spoolRoot) {
    this.client = new MlflowClient(trackingUri);
    this.artifacts = new MlflowArtifacts(trackingUri);
    this.retry = new Retry(policy, MlflowErrors::retryable);
    this.clock = clock;
    this.spool = spoolRoot == null ? null : MetricSpool.open(spoolRoot);
    this.metrics = new MetricBuffer(
        this::sendMetrics, retry, MlflowErrors::retryable, FLUSH_SIZE, FLUSH_INTERVAL_MS, clock, spool);
    if (spool != null) {
      MetricSpool.Recovered left = spool.adoptOrphans();
      metrics.adopt(left.points());
      pendingEnds.putAll(left.ends());
      if (left.size() > 0 || !left.ends().isEmpty()) {
        log.info("took over {} unsent metric points and {} run ends from a previous worker",
            left.size(), left.ends().size());
      }
    }
    // Delivers what an outage held back even when nothing else is logged (a worker between tasks).
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mlflow-flusher");
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(this::deliver, BACKGROUND_S, BACKGROUND_S, TimeUnit.SECONDS);
  }

  @Override
  public String startRun(
      String experiment, String runName, String parentRunId, Map<String, String> tags) {
    String runKey = TrackingValues.runKey(experiment, runName, parentRunId);
    Map<String, String> clean = TrackingValues.clean(tags, "tag");
    return call("start run " + runName + " in " + experiment, () -> {
      String expId = experimentId(experiment);
      Optional<RunInfo> existing = findRun(expId, runKey);
      if (existing.isPresent()) {
        String runId = existing.get().getRunId();
        // A retry reopens the run: back to RUNNING, with any new tags.
        client.sendPost("runs/update", "{\"run_id\":\"" + runId + "\",\"status\":\"RUNNING\"}");
        logBatch(runId, List.of(), List.of(), tags(clean));
        return runId;
      }
      CreateRun.Builder create = CreateRun.newBuilder()
          .setExperimentId(expId).setRunName(runName).setStartTime(clock.getAsLong())
          .addTags(tag("mlflow.runName", runName)).addTags(tag(RUN_KEY_TAG, runKey))
          .addAllTags(tags(clean));
      if (parentRunId != null) {
        create.addTags(tag("mlflow.parentRunId", parentRunId));
      }
      return client.createRun(create.build()).getRunId();
    });
  }

  private String experimentId(String name) {
    synchronized (experimentIds) {
      return experimentIds.computeIfAbsent(name, n -> client.getExperimentByName(n)
          .map(e -> e.getExperimentId())
          .orElseGet(() -> createExperiment(n)));
    }
  }

  /** Two workers may create the same experiment at once: the loser reads the winner's id. */
  private String createExperiment(String name) {
    try {
      return client.createExperiment(name);
    } catch (RuntimeException e) {
      if (MlflowErrors.alreadyExists(e)) {
        return client.getExperimentByName(name).orElseThrow(() -> e).getExperimentId();
      }
      throw e;
    }
  }

  private Optional<RunInfo> findRun(String expId, String runKey) {
    String filter = "tags.\"" + RUN_KEY_TAG + "\" = '" + runKey + "'";
    return client.searchRuns(List.of(expId), filter).stream().findFirst();
  }

  @Override
  public void logParams(String runId, Map<String, String> params) {
    List<Param> all = new ArrayList<>();
    TrackingValues.clean(params, "param")
        .forEach((k, v) -> all.add(Param.newBuilder().setKey(k).setValue(v).build()));
    for (int i = 0; i < all.size(); i += MAX_PARAMS_PER_BATCH) {
      List<Param> chunk = all.subList(i, Math.min(all.size(), i + MAX_PARAMS_PER_BATCH));
      call("log " + chunk.size() + " params to run " + runId, () -> {
        logBatch(runId, List.of(), chunk, List.of());
        return null;
      });
    }
  }

  @Override
  public void logMetric(String runId, String key, double value, long step) {
    TrackingValues.checkKey(key, "metric");
    metrics.add(runId, new MetricPoint(key, value, step, clock.getAsLong()));
  }

  private void sendMetrics(String runId, List<MetricPoint> batch) {
    List<Metric> ms = new ArrayList<>(batch.size());
    for (MetricPoint p : batch) {
      ms.add(Metric.newBuilder().setKey(p.key()).setValue(p.value()).setStep(p.step())
          .setTimestamp(p.timestamp()).build());
    }
    logBatch(runId, ms, List.of(), List.of());
  }

  /** Points not yet sent (they are sent on the next flush). */
  public int bufferedMetrics() {
    return metrics.size();
  }

  /** Sends every buffered metric, waiting out a short outage within the retry budget. */
  public void flush() {
    metrics.flush();
  }

  @Override
  public void setTags(String runId, Map<String, String> tags) {
    List<RunTag> all = tags(TrackingValues.clean(tags, "tag"));
    for (int i = 0; i < all.size(); i += MAX_PARAMS_PER_BATCH) {
      List<RunTag> chunk = all.subList(i, Math.min(all.size(), i + MAX_PARAMS_PER_BATCH));
      call("set " + chunk.size() + " tags on run " + runId, () -> {
        logBatch(runId, List.of(), List.of(), chunk);
        return null;
      });
    }
  }

  @Override
  public void logArtifact(String runId, Path file, String artifactPath) {
    String rel = ArtifactPaths.join(artifactPath, file.getFileName().toString());
    call("upload " + file + " to run " + runId, () -> {
      String root = client.getRun(runId).getInfo().getArtifactUri();
      URI target = artifacts.uploadUri(root, rel);
      artifacts.upload(target, file);
      return null;
    });
  }

  /** {@code runs/log-inputs}: MLflow keeps one input per (name, digest), so a retry adds nothing. */
  @Override
  public void logInputs(String runId, List<DatasetInput> datasets) {
    if (datasets.isEmpty()) {
      return;
    }
    ObjectNode body = JSON.createObjectNode().put("run_id", runId);
    ArrayNode inputs = body.putArray("datasets");
    for (DatasetInput d : datasets) {
      ObjectNode input = inputs.addObject();
      ObjectNode ds = input.putObject("dataset");
      String digest = d.digest().substring(0, Math.min(d.digest().length(), DatasetInput.MLFLOW_DIGEST_CHARS));
      ds.put("name", d.name()).put("digest", digest).put("source_type", d.sourceType())
          .put("source", JSON.createObjectNode().put("uri", d.source()).toString());
      if (d.schema() != null) {
        ds.put("schema", d.schema());
      }
      ds.put("profile", JSON.createObjectNode().put("num_rows", d.rows()).put("sha256", d.digest()).toString());
      if (d.context() != null) {
        input.putArray("tags").addObject().put("key", "mlflow.data.context").put("value", d.context());
      }
    }
    call("log dataset inputs of run " + runId, () -> client.sendPost("runs/log-inputs", body.toString()));
  }

  /**
   * Creates the registered model if needed, then a version unless one with the same run and
   * {@code rlhf.artifact_sha256} tag exists (a retried activity must not add a twin).
   */
  @Override
  public String registerModelVersion(String modelName, String source, String runId, Map<String, String> tags) {
    Map<String, String> clean = TrackingValues.clean(tags, "tag");
    return call("register " + modelName + " version from run " + runId, () -> {
      try {
        client.sendPost("registered-models/create", JSON.createObjectNode().put("name", modelName).toString());
      } catch (RuntimeException e) {
        if (!MlflowErrors.alreadyExists(e)) {
          throw e;
        }
      }
      String existing = existingVersion(modelName, runId, clean.get(ARTIFACT_SHA_TAG));
      if (existing != null) {
        return existing;
      }
      ObjectNode body = JSON.createObjectNode().put("name", modelName).put("source", source).put("run_id", runId);
      ArrayNode ts = body.putArray("tags");
      clean.forEach((k, v) -> ts.addObject().put("key", k).put("value", v));
      JsonNode created = JSON.readTree(client.sendPost("model-versions/create", body.toString()));
      return created.path("model_version").path("version").asText();
    });
  }

  private String existingVersion(String modelName, String runId, String sha) throws IOException {
    String filter = "name='" + modelName.replace("'", "") + "' and run_id='" + runId + "'";
    JsonNode found = JSON.readTree(client.sendGet("model-versions/search?filter="
        + java.net.URLEncoder.encode(filter, java.nio.charset.StandardCharsets.UTF_8)));
    for (JsonNode v : found.path("model_versions")) {
      for (JsonNode t : v.path("tags")) {
        if (ARTIFACT_SHA_TAG.equals(t.path("key").asText()) && t.path("value").asText().equals(sha)) {
          return v.path("version").asText();
        }
      }
    }
    return null;
  }

  /**
   * Ends the run once its metrics are delivered. During a tracking-server outage the end waits,
   * with the points, in the buffer (and the spool) and is sent when the server is back: a stage
   * that finished its work never fails because MLflow is down.
   */
  @Override
  public void endRun(String runId, String status) {
    TrackingValues.checkStatus(status);
    MetricSpool.End end = new MetricSpool.End(status, clock.getAsLong());
    synchronized (pendingEnds) {
      pendingEnds.put(runId, end);
      if (spool != null) {
        spool.recordEnd(runId, end);
      }
    }
    deliver();
    synchronized (pendingEnds) {
      if (pendingEnds.containsKey(runId)) {
        log.warn("MLflow is unreachable: run {} ends ({}) once its {} buffered metrics are delivered",
            runId, status, metrics.size(runId));
      }
    }
  }

  /** One attempt at the buffered points, then at the ends of runs whose points are all delivered. */
  private void deliver() {
    try {
      metrics.trySend();
      synchronized (pendingEnds) {
        for (var it = pendingEnds.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (metrics.size(e.getKey()) == 0 && terminate(e.getKey(), e.getValue())) {
            it.remove();
            if (spool != null) {
              spool.ended(e.getKey());
            }
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("delivering buffered tracking data failed: {}", e.toString());
    }
  }

  private boolean terminate(String runId, MetricSpool.End end) {
    try {
      client.setTerminated(runId, RunStatus.valueOf(end.status()), end.endTime());
      return true;
    } catch (RuntimeException e) {
      if (!MlflowErrors.retryable(e)) {
        log.warn("MLflow refused to end run {}: {}", runId, e.toString());
        return true; // a deleted run will never end: do not retry forever
      }
      return false;
    }
  }

  /** Run ends not yet delivered. */
  public int pendingRunEnds() {
    synchronized (pendingEnds) {
      return pendingEnds.size();
    }
  }

  /**
   * Delivers what is buffered, waiting out a short outage within the retry budget, then closes the
   * HTTP client. What still cannot be sent stays in the spool for the next worker (without a spool
   * it is lost, and said so).
   */
  /**
   * What a kill -9 leaves: the flusher stops and the spool's lock is released with nothing sent,
   * so another tracker on the same spool root takes over. For tests of that hand-over.
   */
  void abandon() {
    flusher.shutdownNow();
    if (spool != null) {
      spool.close();
    }
    client.close();
  }

  @Override
  public void close() {
    flusher.shutdownNow();
    try {
      metrics.flush();
      deliver();
    } catch (RuntimeException e) {
      log.warn("{} metric points and {} run ends not delivered to MLflow at shutdown, {}: {}",
          metrics.size(), pendingRunEnds(), spool == null ? "lost" : "kept in " + spool.dir(), e.toString());
    } finally {
      if (spool != null) {
        spool.close();
      }
      client.close();
    }
  }

  private void logBatch(String runId, List<Metric> ms, List<Param> ps, List<RunTag> ts) {
    client.logBatch(runId, ms, ps, ts);
  }

  private <T> T call(String what, Retry.Call<T> call) {
    try {
      return retry.call(what, call);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<RunTag> tags(Map<String, String> tags) {
    List<RunTag> out = new ArrayList<>();
    tags.forEach((k, v) -> out.add(tag(k, v)));
    return out;
  }

  private static RunTag tag(String key, String value) {
    return RunTag.newBuilder().setKey(key).setValue(value).build();
  }
}
