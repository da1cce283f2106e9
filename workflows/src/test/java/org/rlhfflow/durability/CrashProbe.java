package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.rlhfflow.durability.DurabilityStack.Pending;

/**
 * Watches one stage's heartbeats through describeWorkflowExecution, kills its worker after a
 * checkpoint, and measures what the crash cost.
 */
final class CrashProbe {
  /** The heartbeat timeout (30 s, StageOptions.training) plus retry backoff and JVM start, with room. */
  private static final Duration RETRY_WAIT = Duration.ofMinutes(3);
  private static final Duration STAGE_WAIT = Duration.ofMinutes(10);
  /** PipelineWorkers' heartbeat throttle: how stale the server's view of the step can be. */
  private static final double HEARTBEAT_INTERVAL_S = 1.0;

  /**
   * With fast steps the throttled heartbeat that reaches the server is usually the checkpoint's own
   * (its upload outlasts the throttle interval). The worker keeps training meanwhile, so this long
   * after the checkpoint shows up the kill is past it too.
   */
  private static final Duration PAST_CHECKPOINT = Duration.ofMillis(300);

  /**
   * What one crash cost; printed into the closing note.
   *
   * @param lastStep the step of the last heartbeat the server had before the kill
   * @param recomputeMinS time from the checkpoint reaching the server to the kill: a lower bound on
   *     the training lost, since the worker wrote the checkpoint before the server heard of it
   */
  record Crash(String stage, long lastStep, long resumedFrom, double secondsPerStep, double recomputeMinS,
      double detectionSeconds) {
    /**
     * The worker may have trained one heartbeat interval (1 s) past what the server saw, so the
     * recomputation is reported as a range.
     */
    String line() {
      long steps = lastStep - resumedFrom;
      double min = Math.max(recomputeMinS, steps * secondsPerStep);
      return String.format("DURABILITY crash stage=%s last_heartbeat_step=%d resumed_from_checkpoint=%d "
              + "steps_recomputed_min=%d seconds_per_step=%.3f recompute_s_min=%.2f recompute_s_max=%.2f "
              + "detection_delay_s=%.1f",
          stage, lastStep, resumedFrom, steps, secondsPerStep, min, min + HEARTBEAT_INTERVAL_S,
          detectionSeconds);
    }
  }

  /** A heartbeat as seen by the test, with the wall time it was seen. */
  private record Sample(long nanos, long step) {}

  private final DurabilityStack stack;
  private final String workflowId;

  CrashProbe(DurabilityStack stack, String workflowId) {
    this.stack = stack;
    this.workflowId = workflowId;
  }

  /**
   * Waits until {@code activityType} has heartbeated a checkpoint and trained past it, kills
   * {@code worker}, starts a replacement with {@code restart} and waits for the retry to begin.
   */
  Crash crash(String stage, String activityType, int checkpointEvery, WorkerProcess worker, Restart restart)
      throws Exception {
    Map<String, Sample> firstSeen = new HashMap<>(); // checkpoint sha256 -> first heartbeat carrying it
    Sample first = null;
    Sample checkpointSeen = null;
    Pending killed = null;
    long checkpointStep = -1;
    long deadline = System.nanoTime() + STAGE_WAIT.toNanos();
    while (killed == null) {
      boolean started = first != null;
      Pending p = await(x -> x.activityType().equals(activityType) ? x.progress().isPresent() : started,
          deadline, "a heartbeat of " + activityType);
      if (!p.activityType().equals(activityType)) {
        fail(activityType + " ended before a checkpoint was heartbeated; now " + p);
      }
      var progress = p.progress().get();
      Sample now = new Sample(System.nanoTime(), progress.step());
      if (first == null) {
        first = now;
      }
      if (progress.checkpoint() != null) {
        checkpointSeen = firstSeen.computeIfAbsent(progress.checkpoint().sha256(), k -> now);
        // Checkpoints are written at multiples of checkpoint_every, and a ref is first seen within
        // one interval of it (a newer checkpoint would have replaced it).
        checkpointStep = checkpointSeen.step() / checkpointEvery * checkpointEvery;
        boolean past = progress.step() > checkpointStep
            || now.nanos() - checkpointSeen.nanos() >= PAST_CHECKPOINT.toNanos();
        if (checkpointStep > 0 && past) {
          killed = p;
        }
      }
      Thread.sleep(50);
    }
    long killStep = killed.progress().get().step();
    double secondsPerStep = (System.nanoTime() - first.nanos()) / 1e9 / Math.max(1, killStep - first.step());
    double sinceCheckpoint = (System.nanoTime() - checkpointSeen.nanos()) / 1e9;
    long killMillis = System.currentTimeMillis();
    worker.kill();
    restart.run();
    int attempt = killed.attempt();
    Pending retry = await(x -> !x.activityType().equals(activityType) || x.attempt() > attempt && x.started(),
        System.nanoTime() + RETRY_WAIT.toNanos(), "the retry of " + activityType + " after the kill");
    if (!retry.activityType().equals(activityType)) {
      fail(activityType + " completed before the kill reached it; make the stage longer. Now: " + retry);
    }
    double detection = (retry.lastStartedMillis() - killMillis) / 1000.0;
    assertTrue(detection > 0, "retry started before the kill: " + detection + " s");
    return new Crash(stage, killStep, checkpointStep, secondsPerStep, sinceCheckpoint, detection);
  }

  private Pending await(Predicate<Pending> condition, long deadlineNanos, String what) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      Optional<Pending> p = stack.pending(workflowId);
      if (p.isPresent() && condition.test(p.get())) {
        return p.get();
      }
      Thread.sleep(50);
    }
    fail("timed out waiting for " + what + " in " + workflowId + "; last: " + stack.pending(workflowId));
    return null;
  }

  @FunctionalInterface
  interface Restart {
    void run() throws Exception;
  }
}
