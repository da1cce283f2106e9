package org.rlhfflow.activities;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.model.Reproducibility;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.store.StageManifest;

/**
 * One execution of a stage activity: its cache key, its nested tracking run, its checkpoints and
 * heartbeats. Stage code runs inside {@link #execute}, which reuses a completed run's manifest when
 * the key matches, turns bad input into non-retryable failures, and closes the tracking run as
 * FINISHED, FAILED or KILLED.
 *
 * <pre>{@code
 * return StageRun.execute(services, ctx, SftStage.DEF, inputs, run -> {
 *   long start = run.resumePoint().map(Progress::step).orElse(0L);
 *   ... run.metric("sft/loss", loss, step); run.heartbeat(step, this::writeCheckpoint); ...
 *   return run.complete(Map.of("checkpoint", ref), metrics);
 * });
 * }</pre>
 */
public final class StageRun {
  private static final Logger LOG = LoggerFactory.getLogger(StageRun.class);

  /**
   * Part of every cache key. Bump it when a stage's output for the same spec and inputs changes, so
   * stale cached stages are not reused.
   */
  // 3: checkpoints embed the resolved spec; 4: issue 9 (sampled ids kept, scoring at the sampling
  // temperature with BOS/PAD removed, RM validation outputs)
  public static final String CODE_VERSION = "rlhf-flow-0.1.0/stages-4";

  /**
   * Heartbeat details: how far training got and the checkpoint to resume from.
   *
   * @param total the stage's step count, for progress bars and ETAs; 0 when unknown (and in
   *     heartbeats written before it existed)
   * @param engine {@link Reproducibility#engineStamp} of the worker that wrote the checkpoint
   *     (null in heartbeats written before it existed)
   */
  public record Progress(long step, ArtifactRef checkpoint, long total, String engine) {
    public Progress(long step, ArtifactRef checkpoint) {
      this(step, checkpoint, 0);
    }

    public Progress(long step, ArtifactRef checkpoint, long total) {
      this(step, checkpoint, total, null);
    }
  }

  /** Writes a full training-state checkpoint directory for {@code step}. */
  @FunctionalInterface
  public interface CheckpointWriter {
    Path write(long step) throws IOException;
  }

  /** The stage's work, given its run. */
  @FunctionalInterface
  public interface Body {
    StageResult run(StageRun run) throws Exception;
  }

  private final StageServices services;
  private final StageContext ctx;
  private final String stage;
  private final StageDef<?, ?> def;
  private final String runName;
  private final ExperimentSpec spec;
  private final SortedMap<String, String> inputs;
  private final SortedMap<String, String> files;
  private final String cacheKey;
  private final ActivityExecutionContext activity; // null when called outside a Temporal activity
  private final long startNanos = System.nanoTime();
  private String runId;
  private Progress lastCheckpoint;
  private long totalSteps;
  private Pulse pulse;

  private StageRun(StageServices services, StageContext ctx, StageDef<?, ?> def, String runName,
      Map<String, String> inputs) {
    this.services = services;
    this.ctx = ctx;
    this.def = def;
    this.stage = def.name();
    this.runName = runName;
    this.spec = SpecLoader.parse(ctx.specJson(), "resolved spec of " + ctx.experiment());
    this.inputs = new TreeMap<>(inputs);
    this.files = fileDigests(def, spec);
    this.cacheKey = cacheKey(def, spec, this.inputs, files);
    this.activity = currentActivity();
  }

  /**
   * Runs {@code body} as the stage, unless a completed run with the same cache key exists and the
   * stage is not forced, in which case that run's outputs are returned without recomputing.
   *
   * @param inputs input name to sha256 digest: part of the cache key
   */
  public static StageResult execute(StageServices services, StageContext ctx, StageDef<?, ?> def,
      Map<String, String> inputs, Body body) {
    return execute(services, ctx, def, def.name(), inputs, body);
  }

  /**
   * As {@link #execute(StageServices, StageContext, StageDef, Map, Body)} for a stage that runs many
   * times in one workflow (the weak-to-strong sweep): {@code runName} names its nested tracking
   * run, which is found again by that name on a retry, so each execution needs its own.
   */
  public static StageResult execute(StageServices services, StageContext ctx, StageDef<?, ?> def, String runName,
      Map<String, String> inputs, Body body) {
    String stage = def.name();
    try (Pulse pulse = Pulse.start(currentActivity(), previousProgress(), stage)) {
      return execute(services, ctx, def, runName, inputs, body, pulse);
    }
  }

  private static StageResult execute(StageServices services, StageContext ctx, StageDef<?, ?> def, String runName,
      Map<String, String> inputs, Body body, Pulse pulse) {
    String stage = def.name();
    StageRun run;
    try {
      run = new StageRun(services, ctx, def, runName, inputs); // hashes the declared files: the pulse is on
    } catch (RuntimeException e) {
      throw failure(stage, e);
    }
    Optional<StageResult> cached = run.reusable();
    if (cached.isPresent()) {
      return cached.get();
    }
    run.startTracking();
    run.pulse = pulse;
    try {
      return body.run(run);
    } catch (ActivityCanceledException e) {
      run.end("KILLED");
      throw e;
    } catch (ActivityCompletionException e) {
      throw e; // worker shutting down: the retry elsewhere resumes from the last checkpoint
    } catch (Exception e) {
      ApplicationFailure nonRetryable = StageFailures.nonRetryable(stage, e);
      if (nonRetryable != null) {
        run.tag("rlhf.failure", String.valueOf(e.getMessage()));
        run.end("FAILED");
        throw nonRetryable;
      }
      throw failure(stage, e); // retried: the run stays open and the retry reuses it
    }
  }

  /**
   * Runs work a stage does before {@link #execute} (reading a dataset to digest it) with the
   * background heartbeat on, so a short heartbeat timeout does not kill a slow preparation.
   */
  public static <T> T heartbeating(String stage, Supplier<T> work) {
    try (Pulse pulse = Pulse.start(currentActivity(), previousProgress(), stage)) {
      return work.get();
    }
  }

  /**
   * The previous attempt's heartbeat, which the pulse repeats until this attempt reports progress;
   * step 0 without a checkpoint on a first attempt (never null: readers decode the details).
   */
  private static Progress previousProgress() {
    ActivityExecutionContext activity = currentActivity();
    Optional<Progress> previous = activity == null ? Optional.empty() : activity.getHeartbeatDetails(Progress.class);
    return previous.orElse(new Progress(0, null));
  }

  private static RuntimeException failure(String stage, Exception e) {
    ApplicationFailure nonRetryable = StageFailures.nonRetryable(stage, e);
    if (nonRetryable != null) {
      return nonRetryable;
    }
    return e instanceof RuntimeException r ? r : Activity.wrap(e);
  }

  /**
   * sha256 of the stage, the seed, the spec sections and keys it declares it reads, its input
   * digests, the content of the files it declares it reads, and the code version. A spec key the
   * stage does not declare cannot change its key.
   */
  static String cacheKey(StageDef<?, ?> def, ExperimentSpec spec, SortedMap<String, String> inputs,
      SortedMap<String, String> files) {
    StringBuilder key = new StringBuilder("stage=").append(def.name()).append('\n');
    key.append("seed=").append(spec.seed()).append('\n');
    for (String read : def.reads()) {
      key.append(read).append('=').append(spec.stageJson(read)).append('\n');
    }
    inputs.forEach((k, v) -> key.append("input.").append(k).append('=').append(v).append('\n'));
    files.forEach((k, v) -> key.append("file.").append(k).append('=').append(v).append('\n'));
    key.append("code=").append(CODE_VERSION);
    return Sha256.hex(key.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The cache key {@code def} gets for {@code spec} and {@code inputs}, files hashed as a run would. */
  public static String cacheKey(StageDef<?, ?> def, ExperimentSpec spec, Map<String, String> inputs) {
    return cacheKey(def, spec, new TreeMap<>(inputs), fileDigests(def, spec));
  }

  /** sha256 of each file the stage declares, read once per attempt; "unset" or "missing:<path>" otherwise. */
  static SortedMap<String, String> fileDigests(StageDef<?, ?> def, ExperimentSpec spec) {
    SortedMap<String, String> out = new TreeMap<>();
    Map<String, String> flat = spec.flatten();
    for (String key : def.files()) {
      String path = flat.get(key);
      if (path == null) {
        out.put(key, "unset");
      } else if (!Files.isRegularFile(Path.of(path))) {
        out.put(key, "missing:" + path); // the stage reports it, naming the key, if it reads the file
      } else {
        try {
          out.put(key, Sha256.of(Path.of(path)).hex());
        } catch (IOException e) {
          throw new UncheckedIOException("hashing " + key + " " + path, e);
        }
      }
    }
    return out;
  }

  private Optional<StageResult> reusable() {
    if (ctx.forced(stage)) {
      return Optional.empty();
    }
    try {
      return StageManifest.find(services.store(), cacheKey).map(m -> new StageResult(stage, m.outputs(),
          m.metrics(), cacheKey, true, m.metrics().getOrDefault(stage + "/wall_s", 0.0)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the manifest of " + stage + " " + cacheKey, e);
    }
  }

  private void startTracking() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("rlhf.stage", stage);
    tags.put("rlhf.cache_key", cacheKey);
    tags.put("rlhf.workflow_id", ctx.workflowId());
    tags.put("rlhf.spec_sha256", ctx.specSha256());
    inputs.forEach((k, v) -> tags.put("rlhf.input." + k, v));
    files.forEach((k, v) -> tags.put("rlhf.file." + k, v));
    runId = services.tracker().startRun(ctx.experiment(), runName, ctx.parentRunId(), tags);
    Map<String, String> params = new TreeMap<>();
    spec.flatten().forEach((k, v) -> {
      if (def.reads().stream().anyMatch(read -> k.equals(read) || k.startsWith(read + "."))) {
        params.put(k, v);
      }
    });
    params.put("seed", Long.toString(spec.seed()));
    services.tracker().logParams(runId, params);
  }

  public ExperimentSpec spec() {
    return spec;
  }

  public StageContext context() {
    return ctx;
  }

  public String cacheKey() {
    return cacheKey;
  }

  /**
   * A file the stage declared with {@code optFiles}, at the path its spec key names; its digest is
   * in the cache key already. Fails non-retryably, naming the key, when it is not a file.
   */
  public Path file(String specKey) {
    if (!def.files().contains(specKey)) {
      throw new IllegalStateException(stage + " reads " + specKey + " without declaring it (optFiles)");
    }
    String path = spec.flatten().get(specKey);
    if (path == null || !Files.isRegularFile(Path.of(path))) {
      throw new StageFailures.ValidationException(specKey + ": no such file: "
          + (path == null ? "(unset)" : Path.of(path).toAbsolutePath()));
    }
    return Path.of(path);
  }

  /** The sha256 of a declared file, as in the cache key. */
  public String fileDigest(String specKey) {
    return files.get(specKey);
  }

  public StageServices services() {
    return services;
  }

  /** A fresh local directory for this attempt's files. */
  public Path workDir(String name) throws IOException {
    Path dir = services.scratch().resolve(cacheKey.substring(0, 16)).resolve(name);
    Files.createDirectories(dir);
    return dir;
  }

  public void metric(String key, double value, long step) {
    services.tracker().logMetric(runId, key, value, step);
  }

  public void tag(String key, String value) {
    services.tracker().setTags(runId, Map.of(key, value.length() > 400 ? value.substring(0, 400) : value));
  }

  /** Records the datasets this stage read as the tracking run's dataset inputs. */
  public void inputs(java.util.List<org.rlhfflow.tracking.DatasetInput> datasets) {
    services.tracker().logInputs(runId, datasets);
  }

  /** Uploads a file into the stage run's artifacts (reports, plots). */
  public void artifact(Path file, String artifactPath) {
    services.tracker().logArtifact(runId, file, artifactPath);
  }

  /** Where the last attempt got to, from its heartbeat; empty on a first attempt. */
  public Optional<Progress> resumePoint() {
    if (activity == null) {
      return Optional.empty();
    }
    Optional<Progress> p = activity.getHeartbeatDetails(Progress.class);
    p.filter(progress -> progress.checkpoint() != null).ifPresent(progress -> {
      lastCheckpoint = progress;
      String warning = Reproducibility.resumeWarning(progress.engine(), Reproducibility.engineStamp());
      if (warning != null) {
        LOG.warn("{}: {}", stage, warning);
        tag("rlhf.resume_warning", warning);
      }
    });
    return p;
  }

  /** Stores the checkpoint {@code writer} makes and heartbeats it as the resume point. */
  public ArtifactRef checkpoint(long step, CheckpointWriter writer) throws IOException {
    ArtifactRef ref = services.store().putDirectory(writer.write(step));
    lastCheckpoint = new Progress(step, ref, totalSteps, Reproducibility.engineStamp());
    metric(stage + "/checkpoint_step", step, step);
    try {
      beat(lastCheckpoint);
    } catch (ActivityCanceledException e) {
      // Cancelled at a checkpoint heartbeat: the checkpoint just stored is the one to resume from.
      tag("rlhf.cancelled_checkpoint", ref.sha256());
      throw e;
    }
    return ref;
  }

  /**
   * Reports liveness. When the workflow is cancelled the heartbeat says so: the stage saves a
   * checkpoint with {@code writer}, marks its run KILLED and stops.
   */
  public void heartbeat(long step, CheckpointWriter writer) throws IOException {
    try {
      beat(lastCheckpoint == null
          ? new Progress(step, null, totalSteps)
          : new Progress(step, lastCheckpoint.checkpoint(), totalSteps, lastCheckpoint.engine()));
    } catch (ActivityCanceledException e) {
      ArtifactRef ref = services.store().putDirectory(writer.write(step));
      tag("rlhf.cancelled_checkpoint", ref.sha256());
      throw e;
    }
  }

  /** As {@link #heartbeat(long, CheckpointWriter)}, also telling the stage's step count (shown as step/total with an ETA). */
  public void heartbeat(long step, long total, CheckpointWriter writer) throws IOException {
    this.totalSteps = total;
    heartbeat(step, writer);
  }

  private void beat(Progress progress) {
    if (pulse != null) {
      pulse.set(progress);
      if (pulse.stopped() != null) {
        throw pulse.stopped(); // cancelled or shutting down, seen between this thread's beats
      }
    }
    if (activity != null) {
      activity.heartbeat(progress);
    }
  }

  /** Fails the stage, non-retryably, if a metric is NaN or infinite; names the step and metrics. */
  public void checkFinite(long step, Map<String, Double> metrics) {
    metrics = FaultInjection.apply(stage, step, metrics, System.getenv(FaultInjection.ENV));
    for (Map.Entry<String, Double> m : metrics.entrySet()) {
      if (!Double.isFinite(m.getValue())) {
        throw new StageFailures.TrainingDivergedException(m.getKey() + " is " + m.getValue() + " at step "
            + step + "; metrics " + metrics + "; last good checkpoint: "
            + (lastCheckpoint == null ? "none" : "step " + lastCheckpoint.step() + " "
                + lastCheckpoint.checkpoint().sha256()));
      }
    }
  }

  /** Records the manifest (so later runs reuse this stage), closes the run and returns the result. */
  public StageResult complete(Map<String, ArtifactRef> outputs, Map<String, Double> metrics)
      throws IOException {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Double> all = new HashMap<>(metrics);
    all.put(stage + "/wall_s", wall);
    StageManifest.of(stage, cacheKey, ctx.specSha256(), inputs, outputs, all, CODE_VERSION, Instant.now())
        .withProvenance(ctx.specJson(), spec.seed(), Provenance.current()) // for rlhf lineage
        .saveTo(services.store());
    end("FINISHED");
    return new StageResult(stage, outputs, all, cacheKey, false, wall);
  }

  private void end(String status) {
    if (runId != null) {
      services.tracker().endRun(runId, status);
    }
  }

  private static ActivityExecutionContext currentActivity() {
    try {
      return Activity.getExecutionContext();
    } catch (RuntimeException e) {
      return null; // called directly, e.g. by a test or a benchmark: no heartbeats
    }
  }
}
