package org.rlhfflow.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rlhfflow.store.Retry;

class MetricBufferTest {

  private final AtomicLong now = new AtomicLong();
  private final List<String> sent = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();
  private boolean serverDown;
  private boolean refuse;
  private int attempts;
  private int failFirst;

  private MetricBuffer buffer(int flushSize) {
    Retry.Policy p = new Retry.Policy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), Duration.ofSeconds(10));
    Retry retry = new Retry(p, MlflowErrors::retryable, ms -> now.addAndGet(ms), now::get);
    return new MetricBuffer((run, batch) -> {
      attempts++;
      if (serverDown || attempts <= failFirst) {
        throw new ConnectException("Connection refused");
      }
      if (refuse) {
        throw new IllegalArgumentException("INVALID_PARAMETER_VALUE");
      }
      batchSizes.add(batch.size());
      batch.forEach(m -> sent.add(run + ":" + m.key() + "@" + m.step()));
    }, retry, MlflowErrors::retryable, flushSize, 5_000, now::get);
  }

  private static MetricPoint point(int step) {
    return new MetricPoint("ppo/kl", step, step, 0);
  }

  @Test
  void pointsWaitUntilTheBatchIsFullOrOld() {
    MetricBuffer b = buffer(3);
    b.add("r1", point(0));
    b.add("r1", point(1));
    assertEquals(0, attempts);
    b.add("r1", point(2));
    assertEquals(List.of("r1:ppo/kl@0", "r1:ppo/kl@1", "r1:ppo/kl@2"), sent);
    b.add("r1", point(3));
    now.addAndGet(5_000);
    b.add("r1", point(4));
    assertEquals(5, sent.size(), "the interval elapsed");
  }

  @Test
  void anOutageKeepsEveryPointAndBacksOffWithoutWaiting() {
    MetricBuffer b = buffer(2);
    serverDown = true;
    b.add("r1", point(0));
    b.add("r1", point(1)); // due: one attempt fails, next try after 100 ms
    assertEquals(1, attempts);
    b.add("r1", point(2)); // still inside the backoff: no attempt
    assertEquals(1, attempts);
    assertEquals(0, now.get(), "logging never slept");
    now.addAndGet(100);
    b.add("r2", point(3)); // second failure, next try after 200 ms more
    assertEquals(2, attempts);
    assertEquals(4, b.size());

    serverDown = false;
    now.addAndGet(200);
    b.add("r2", point(4));
    assertEquals(List.of("r1:ppo/kl@0", "r1:ppo/kl@1", "r1:ppo/kl@2", "r2:ppo/kl@3", "r2:ppo/kl@4"), sent);
    assertEquals(0, b.size());
  }

  @Test
  void flushWaitsOutAnOutage() {
    MetricBuffer b = buffer(100);
    b.add("r1", point(0));
    b.add("r1", point(1));
    failFirst = 3; // the next three sends meet a refused connection
    b.flush();
    assertEquals(4, attempts);
    assertEquals(List.of("r1:ppo/kl@0", "r1:ppo/kl@1"), sent);
    assertEquals(100 + 200 + 400, now.get(), "waited 100, 200, 400 ms on the fake clock");
  }

  @Test
  void bigBuffersGoInBatchesOfAtMost1000() {
    MetricBuffer b = buffer(2500);
    for (int i = 0; i < 2500; i++) {
      b.add("r1", point(i));
    }
    assertEquals(List.of(1000, 1000, 500), batchSizes);
    assertEquals(2500, sent.size());
  }

  @Test
  void aRefusedBatchIsDroppedAndReportedOthersStay() {
    MetricBuffer b = buffer(100);
    b.add("r1", point(0));
    b.add("r1", point(1));
    refuse = true;
    IllegalStateException e = assertThrows(IllegalStateException.class, b::flush);
    assertTrue(e.getMessage().contains("run r1") && e.getMessage().contains("dropped 2"), e.getMessage());
    assertEquals(0, b.size());
  }
}
