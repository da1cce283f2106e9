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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
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
 * return StageRun.execute(services, ctx, Stage.SFT, inputs, run -> {
 *   long start = run.resumePoint().map(Progress::step).orElse(0L);
 *   ... run.metric("sft/loss", loss, step); run.heartbeat(step, this::writeCheckpoint); ...
 *   return run.complete(Map.of("checkpoint", ref), metrics);
 * });
 * }</pre>
 */
public final class StageRun {
  /**
   * Part of every cache key. Bump it when a stage's output for the same spec and inputs changes, so
   * stale cached stages are not reused.
   */
  public static final String CODE_VERSION = "rlhf-flow-0.1.0/stages-1";

  /** Heartbeat details: how far training got and the checkpoint to resume from. */
  public record Progress(long step, ArtifactRef checkpoint) {}

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
  private final ExperimentSpec spec;
  private final SortedMap<String, String> inputs;
  private final String cacheKey;
  private final ActivityExecutionContext activity; // null when called outside a Temporal activity
  private final long startNanos = System.nanoTime();
  private String runId;
  private Progress lastCheckpoint;

  private StageRun(StageServices services, StageContext ctx, String stage, Map<String, String> inputs) {
    this.services = services;
    this.ctx = ctx;
    this.stage = stage;
    this.spec = SpecLoader.parse(ctx.specJson(), "resolved spec of " + ctx.experiment());
    this.inputs = new TreeMap<>(inputs);
    this.cacheKey = cacheKey(stage, spec, this.inputs);
    this.activity = currentActivity();
  }

  /**
   * Runs {@code body} as the stage, unless a completed run with the same cache key exists and the
   * stage is not forced, in which case that run's outputs are returned without recomputing.
   *
   * @param inputs input name to sha256 digest: part of the cache key
   */
  public static StageResult execute(StageServices services, StageContext ctx, String stage,
      Map<String, String> inputs, Body body) {
    StageRun run;
    try {
      run = new StageRun(services, ctx, stage, inputs);
    } catch (RuntimeException e) {
      throw failure(stage, e);
    }
    Optional<StageResult> cached = run.reusable();
    if (cached.isPresent()) {
      return cached.get();
    }
    run.startTracking();
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

  private static RuntimeException failure(String stage, Exception e) {
    ApplicationFailure nonRetryable = StageFailures.nonRetryable(stage, e);
    if (nonRetryable != null) {
      return nonRetryable;
    }
    return e instanceof RuntimeException r ? r : Activity.wrap(e);
  }

  /** sha256 of the stage, the spec sections it reads, its input digests and the code version. */
  static String cacheKey(String stage, ExperimentSpec spec, SortedMap<String, String> inputs) {
    StringBuilder key = new StringBuilder("stage=").append(stage).append('\n');
    key.append("seed=").append(spec.seed()).append('\n');
    for (String section : StageSections.of(stage)) {
      key.append(section).append('=').append(spec.stageJson(section)).append('\n');
    }
    inputs.forEach((k, v) -> key.append("input.").append(k).append('=').append(v).append('\n'));
    key.append("code=").append(CODE_VERSION);
    return Sha256.hex(key.toString().getBytes(StandardCharsets.UTF_8));
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
    runId = services.tracker().startRun(ctx.experiment(), stage, ctx.parentRunId(), tags);
    Map<String, String> params = new TreeMap<>();
    spec.flatten().forEach((k, v) -> {
      if (StageSections.of(stage).contains(k.substring(0, Math.max(0, k.indexOf('.'))))) {
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
    p.ifPresent(progress -> lastCheckpoint = progress);
    return p;
  }

  /** Stores the checkpoint {@code writer} makes and heartbeats it as the resume point. */
  public ArtifactRef checkpoint(long step, CheckpointWriter writer) throws IOException {
    ArtifactRef ref = services.store().putDirectory(writer.write(step));
    lastCheckpoint = new Progress(step, ref);
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
      beat(new Progress(step, lastCheckpoint == null ? null : lastCheckpoint.checkpoint()));
    } catch (ActivityCanceledException e) {
      ArtifactRef ref = services.store().putDirectory(writer.write(step));
      tag("rlhf.cancelled_checkpoint", ref.sha256());
      throw e;
    }
  }

  private void beat(Progress progress) {
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

  /** The spec sections each stage reads: a change elsewhere does not invalidate it. */
  static final class StageSections {
    private StageSections() {}

    static List<String> of(String stage) {
      return switch (stage) {
        case Stage.PRETRAIN -> List.of("model", "task", "pretrain");
        case Stage.SFT -> List.of("model", "task", "data", "sft");
        case Stage.COLLECT -> List.of("model", "task", "data", "preferences");
        case Stage.REWARD_MODEL -> List.of("model", "reward_model");
        case Stage.PPO -> List.of("model", "task", "ppo");
        case Stage.EVALUATE -> List.of("task", "evaluation");
        default -> throw new IllegalArgumentException("unknown stage: " + stage);
      };
    }
  }
}
