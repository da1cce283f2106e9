package org.rlhfflow.activities;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats a stage's latest progress every second from a daemon thread, however long a training
 * step takes. The heartbeat timeout can then be a few seconds (resources.heartbeat_timeout_s), so a
 * killed worker is noticed in seconds, while a slow step (a GPT2_SMALL PPO iteration on a busy
 * machine) is never mistaken for a dead worker. The step thread still heartbeats too: that is where
 * a cancellation is acted on, with a checkpoint.
 */
final class Pulse implements AutoCloseable {
  /** Matches the worker's heartbeat throttle (PipelineWorkers.HEARTBEAT_THROTTLE): one RPC a second. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final ActivityExecutionContext activity;
  private final ScheduledExecutorService timer;
  private volatile Object details;
  private volatile ActivityCompletionException stop;

  /** @param details what to repeat until the stage reports progress: the previous attempt's, or null */
  private Pulse(ActivityExecutionContext activity, Object details, String name) {
    this.activity = activity;
    this.details = details;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "heartbeat-" + name);
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::beat, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A pulse for the current activity; null outside one (tests, benchmarks). */
  static Pulse start(ActivityExecutionContext activity, Object initialDetails, String name) {
    return activity == null ? null : new Pulse(activity, initialDetails, name);
  }

  /** The progress to repeat from now on. */
  void set(Object latest) {
    details = latest;
  }

  /** A cancellation or shutdown the pulse saw, for the step thread to act on; null if none. */
  ActivityCompletionException stopped() {
    return stop;
  }

  private void beat() {
    try {
      activity.heartbeat(details);
    } catch (ActivityCompletionException e) {
      stop = e; // the step thread rethrows it at its next heartbeat, where it can checkpoint
    } catch (RuntimeException e) {
      // a failed RPC is retried at the next tick; the step thread's own heartbeats report it too
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
