package org.rlhfflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryTest {

  private final AtomicLong now = new AtomicLong();
  private final List<Long> sleeps = new ArrayList<>();

  /** A retry whose sleeps only advance a fake clock: no real waiting, no timing in the test. */
  private Retry retry(Duration budget) {
    Retry.Policy p = new Retry.Policy(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), budget);
    return new Retry(
        p, e -> e instanceof ConnectException, ms -> { sleeps.add(ms); now.addAndGet(ms); }, now::get);
  }

  @Test
  void ridesThroughATenSecondOutage() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String result = retry(Duration.ofSeconds(60)).call("stat", () -> {
      calls.incrementAndGet();
      if (now.get() < 10_000) {
        throw new ConnectException("Connection refused");
      }
      return "ok";
    });
    assertEquals("ok", result);
    // 200+400+800+1600+3200 = 6200 ms, then 5000 (capped) reaches 11200 >= 10000.
    assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 5000L), sleeps);
    assertEquals(7, calls.get());
  }

  @Test
  void givesUpWithinTheBudgetAndKeepsTheCause() {
    ConnectException refused = new ConnectException("Connection refused");
    IOException e = assertThrows(IOException.class,
        () -> retry(Duration.ofSeconds(3)).call("upload x", () -> { throw refused; }));
    assertSame(refused, e.getCause());
    assertTrue(e.getMessage().startsWith("upload x failed after 5 attempts"), e.getMessage());
    // 200+400+800+1600 = 3000 ms fills the 3 s budget exactly; the next wait (3200) would not fit.
    assertEquals(List.of(200L, 400L, 800L, 1600L), sleeps);
  }

  @Test
  void nonRetryableErrorsAreThrownAtOnce() {
    NoSuchArtifactException missing = new NoSuchArtifactException("no blob");
    IOException e = assertThrows(IOException.class,
        () -> retry(Duration.ofSeconds(60)).call("get", () -> { throw missing; }));
    assertSame(missing, e);
    assertEquals(List.of(), sleeps);
  }

  @Test
  void badPolicyIsRejectedNamingTheValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Retry.Policy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(5), Duration.ofSeconds(60)));
    assertTrue(e.getMessage().contains("factor=0.5"), e.getMessage());
  }
}
