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

  /** What one crash cost; printed into the closing note. */
  record Crash(String stage, long killStep, long resumedFrom, double secondsPerStep, double detectionSeconds) {
    long recomputed() {
      return killStep - resumedFrom;
    }

    /**
     * The kill step is the last heartbeat the server had; the worker may have done up to one
     * heartbeat interval (1 s) more, so the recomputation is between recompute_s and recompute_s_max.
     */
    String line() {
      double recompute = recomputed() * secondsPerStep;
      return String.format("DURABILITY crash stage=%s killed_at_step=%d resumed_from_checkpoint=%d "
              + "steps_recomputed=%d seconds_per_step=%.3f recompute_s=%.2f recompute_s_max=%.2f "
              + "detection_delay_s=%.1f",
          stage, killStep, resumedFrom, recomputed(), secondsPerStep, recompute,
          recompute + HEARTBEAT_INTERVAL_S, detectionSeconds);
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
   * Waits until {@code activityType} heartbeats a checkpoint and a later step, kills {@code worker},
   * starts a replacement with {@code restart} and waits for the retry to begin.
   */
  Crash crash(String stage, String activityType, int checkpointEvery, WorkerProcess worker, Restart restart)
      throws Exception {
    Map<String, Long> firstStepOfCheckpoint = new HashMap<>();
    Sample first = null;
    Pending killed = null;
    long checkpointStep = -1;
    long deadline = System.nanoTime() + STAGE_WAIT.toNanos();
    while (killed == null) {
      boolean started = first != null;
      Pending p = await(x -> x.activityType().equals(activityType) ? x.progress().isPresent() : started,
          deadline, "a heartbeat of " + activityType);
      if (!p.activityType().equals(activityType)) {
        fail(activityType + " ended before a checkpoint and a later step were heartbeated; now " + p);
      }
      var progress = p.progress().get();
      if (first == null) {
        first = new Sample(System.nanoTime(), progress.step());
      }
      if (progress.checkpoint() != null) {
        long seen = firstStepOfCheckpoint.merge(progress.checkpoint().sha256(), progress.step(), Math::min);
        // Checkpoints are written at multiples of checkpoint_every; a ref is first seen at most one
        // interval later (a newer checkpoint would have replaced it).
        checkpointStep = seen / checkpointEvery * checkpointEvery;
        // Any step past it: where in the interval the kill lands depends on when a heartbeat arrives.
        if (checkpointStep > 0 && progress.step() > checkpointStep) {
          killed = p;
        }
      }
      Thread.sleep(50);
    }
    long killStep = killed.progress().get().step();
    double secondsPerStep = (System.nanoTime() - first.nanos()) / 1e9 / Math.max(1, killStep - first.step());
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
    return new Crash(stage, killStep, checkpointStep, secondsPerStep, detection);
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
