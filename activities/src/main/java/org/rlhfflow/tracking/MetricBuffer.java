package org.rlhfflow.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.rlhfflow.store.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds metric points until they are sent in batches. A failed send keeps every point and backs
 * off, so a tracking-server outage slows nothing and loses nothing; {@link #flush()} waits. With a
 * {@link MetricSpool}, every unsent point is on disk too, so a worker restart loses none either.
 */
final class MetricBuffer {

  private static final Logger log = LoggerFactory.getLogger(MetricBuffer.class);

  /** Sends one run's points; MLflow's logBatch takes at most 1000 metrics. */
  @FunctionalInterface
  interface Sender {
    void send(String runId, List<MetricPoint> batch) throws Exception;
  }

  static final int MAX_BATCH = 1000;

  private final Sender sender;
  private final Retry retry;
  private final Predicate<Throwable> retryable;
  private final int flushSize;
  private final long flushIntervalMs;
  private final LongSupplier clock;
  private final Map<String, List<MetricPoint>> pending = new LinkedHashMap<>();
  private int size;
  private long lastSend;
  private long nextAttempt;
  private int failures;
  private String sending;
  private final MetricSpool spool; // null: memory only

  /**
   * @param flushSize send once this many points wait
   * @param flushIntervalMs or once the oldest unsent point is this old
   */
  MetricBuffer(Sender sender, Retry retry, Predicate<Throwable> retryable, int flushSize,
      long flushIntervalMs, LongSupplier clock) {
    this(sender, retry, retryable, flushSize, flushIntervalMs, clock, null);
  }

  /** @param spool where unsent points are kept on disk, or null */
  MetricBuffer(Sender sender, Retry retry, Predicate<Throwable> retryable, int flushSize,
      long flushIntervalMs, LongSupplier clock, MetricSpool spool) {
    this.spool = spool;
    this.sender = sender;
    this.retry = retry;
    this.retryable = retryable;
    this.flushSize = flushSize;
    this.flushIntervalMs = flushIntervalMs;
    this.clock = clock;
    this.lastSend = clock.getAsLong();
  }

  synchronized void add(String runId, MetricPoint p) {
    pending.computeIfAbsent(runId, k -> new ArrayList<>()).add(p);
    size++;
    if (spool != null) {
      spool.append(runId, p);
    }
    long now = clock.getAsLong();
    boolean due = size >= flushSize || now - lastSend >= flushIntervalMs;
    if (due && now >= nextAttempt) {
      tryOnce(now);
    }
  }

  /** Takes over points a dead process spooled (already copied into this buffer's spool). */
  synchronized void adopt(Map<String, List<MetricPoint>> points) {
    points.forEach((run, ps) -> {
      pending.computeIfAbsent(run, k -> new ArrayList<>()).addAll(ps);
      size += ps.size();
    });
  }

  synchronized int size() {
    return size;
  }

  /** Unsent points of one run. */
  synchronized int size(String runId) {
    List<MetricPoint> ps = pending.get(runId);
    return ps == null ? 0 : ps.size();
  }

  /**
   * One attempt now, unless the buffer is empty or backing off after a failure; never waits and
   * never throws for an outage. For a background flusher and for ending a run.
   */
  synchronized void trySend() {
    long now = clock.getAsLong();
    if (size > 0 && now >= nextAttempt) {
      tryOnce(now);
    }
  }

  /** Sends everything, retrying within the policy's budget; on failure the points stay buffered. */
  synchronized void flush() {
    if (size == 0) {
      return;
    }
    try {
      retry.call("send " + size + " buffered metrics", () -> {
        sendAll();
        return null;
      });
      failures = 0;
      nextAttempt = 0;
    } catch (IOException e) {
      if (!retryable.test(e.getCause() == null ? e : e.getCause())) {
        throw refused(e);
      }
      throw new UncheckedIOException(size + " metrics are still buffered: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw refused(e);
    }
  }

  /** One attempt without waiting: training must not stall on the tracking server. */
  private void tryOnce(long now) {
    try {
      sendAll();
      failures = 0;
      nextAttempt = 0;
    } catch (Exception e) {
      if (!retryable.test(e)) {
        throw refused(e);
      }
      failures++;
      nextAttempt = now + retry.policy().delayMillis(failures);
      log.warn("could not send {} metrics (attempt {}), keeping them; next try in {} ms: {}",
          size, failures, nextAttempt - now, e.toString());
    }
  }

  /**
   * A refusal (bad request, deleted run) will never succeed: drop that run's points so the others
   * still get through, and say how many were lost.
   */
  private IllegalStateException refused(Exception e) {
    List<MetricPoint> dropped = sending == null ? null : pending.remove(sending);
    int n = dropped == null ? 0 : dropped.size();
    size -= n;
    if (spool != null && sending != null) {
      spool.remaining(sending, List.of());
    }
    return new IllegalStateException(
        "tracking server refused metrics of run " + sending + "; dropped " + n
            + " points: " + e.getMessage(), e);
  }

  /** Sends run by run, batch by batch, dropping each batch only once it is acknowledged. */
  private void sendAll() throws Exception {
    for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, List<MetricPoint>> e = it.next();
      List<MetricPoint> points = e.getValue();
      sending = e.getKey();
      boolean sentSome = false;
      try {
        while (!points.isEmpty()) {
          List<MetricPoint> batch = points.subList(0, Math.min(MAX_BATCH, points.size()));
          int n = batch.size();
          sender.send(e.getKey(), new ArrayList<>(batch));
          batch.clear();
          size -= n;
          sentSome = true;
        }
      } finally {
        if (spool != null && sentSome) {
          spool.remaining(e.getKey(), points); // on disk: exactly what is still unsent
        }
      }
      it.remove();
    }
    sending = null;
    lastSend = clock.getAsLong();
  }
}
