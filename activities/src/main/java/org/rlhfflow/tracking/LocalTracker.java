package org.rlhfflow.tracking;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.rlhfflow.store.Json;

/**
 * The embedded tracker: what MLflow would hold, as files under {@code runs/<runId>/}: {@code
 * meta.json}, {@code params.json}, {@code metrics.jsonl} and {@code artifacts/}. Run ids are
 * derived from (experiment, run name, parent), so a retried activity reopens its own run.
 *
 * <pre>{@code
 * try (Tracker t = new LocalTracker(Path.of(".rlhf/metrics"))) {
 *   String run = t.startRun("rlhf", "sft", parentId, Map.of());
 *   t.logMetric(run, "sft/loss", 2.1, 10);
 *   t.endRun(run, "FINISHED");
 * }
 * }</pre>
 */
public final class LocalTracker implements Tracker {

  private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

  private final Path runs;
  private final LongSupplier clock;

  public LocalTracker(Path dir) {
    this(dir, System::currentTimeMillis);
  }

  /** {@code clock} gives the metric timestamps and run times (epoch millis). */
  public LocalTracker(Path dir, LongSupplier clock) {
    this.runs = dir.resolve("runs");
    this.clock = clock;
    try {
      Files.createDirectories(runs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create tracking directory " + runs, e);
    }
  }

  public Path runDir(String runId) {
    if (runId == null || !runId.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("not a run id: " + runId);
    }
    return runs.resolve(runId);
  }

  @Override
  public synchronized String startRun(
      String experiment, String runName, String parentRunId, Map<String, String> tags) {
    String runId = TrackingValues.runKey(experiment, runName, parentRunId);
    Map<String, String> clean = TrackingValues.clean(tags, "tag");
    Path meta = runDir(runId).resolve("meta.json");
    if (Files.exists(meta)) {
      writeMeta(readMeta(runId).withTags(clean).withStatus("RUNNING", 0));
    } else {
      if (parentRunId != null && !Files.exists(runDir(parentRunId).resolve("meta.json"))) {
        throw new IllegalArgumentException(
            "parent run " + parentRunId + " does not exist in " + runs);
      }
      writeMeta(
          new RunMeta(
              runId, experiment, runName, parentRunId, new TreeMap<>(clean), "RUNNING",
              clock.getAsLong(), 0));
    }
    return runId;
  }

  /**
   * Like MLflow, a param is written once: logging the same value again is fine (a retry), a
   * different value is an error.
   */
  @Override
  public synchronized void logParams(String runId, Map<String, String> params) {
    Path file = existingRun(runId).resolve("params.json");
    TreeMap<String, String> all = Files.exists(file) ? read(file, STRING_MAP) : new TreeMap<>();
    for (Map.Entry<String, String> e : TrackingValues.clean(params, "param").entrySet()) {
      String old = all.putIfAbsent(e.getKey(), e.getValue());
      if (old != null && !old.equals(e.getValue())) {
        throw new IllegalArgumentException(
            "param '" + e.getKey() + "' of run " + runId + " is already '" + old
                + "', cannot change it to '" + e.getValue() + "'");
      }
    }
    write(file, all);
  }

  @Override
  public synchronized void logMetric(String runId, String key, double value, long step) {
    TrackingValues.checkKey(key, "metric");
    MetricPoint p = new MetricPoint(key, value, step, clock.getAsLong());
    Path file = existingRun(runId).resolve("metrics.jsonl");
    try {
      String line = Json.LINES.writeValueAsString(p) + "\n";
      Files.writeString(
          file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  @Override
  public synchronized void setTags(String runId, Map<String, String> tags) {
    existingRun(runId);
    writeMeta(readMeta(runId).withTags(TrackingValues.clean(tags, "tag")));
  }

  @Override
  public synchronized void logArtifact(String runId, Path file, String artifactPath) {
    Path dir = existingRun(runId).resolve("artifacts");
    Path target = ArtifactPaths.resolve(dir, artifactPath, file.getFileName().toString());
    try {
      Files.createDirectories(target.getParent());
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + file + " to " + target, e);
    }
  }

  @Override
  public synchronized void endRun(String runId, String status) {
    TrackingValues.checkStatus(status);
    existingRun(runId);
    writeMeta(readMeta(runId).withStatus(status, clock.getAsLong()));
  }

  private Path existingRun(String runId) {
    Path dir = runDir(runId);
    if (!Files.exists(dir.resolve("meta.json"))) {
      throw new IllegalArgumentException("no run " + runId + " in " + runs);
    }
    return dir;
  }

  private RunMeta readMeta(String runId) {
    return read(runDir(runId).resolve("meta.json"), new TypeReference<RunMeta>() {});
  }

  private void writeMeta(RunMeta meta) {
    write(runDir(meta.runId()).resolve("meta.json"), meta);
  }

  private static <T> T read(Path file, TypeReference<T> type) {
    try {
      return Json.MAPPER.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Write-then-rename, so a crash never leaves a half-written meta.json or params.json. */
  private static void write(Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Json.MAPPER.writeValue(tmp.toFile(), value);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
