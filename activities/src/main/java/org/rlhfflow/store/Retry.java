package org.rlhfflow.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries infrastructure calls with exponential backoff inside a time budget, so a service outage
 * of a few seconds is ridden through and a long one ends as an IOException the activity retries.
 *
 * <pre>{@code
 * Retry retry = new Retry(Retry.Policy.DEFAULT, MinioErrors::retryable);
 * StatObjectResponse stat = retry.call("stat s3://bucket/key", () -> client.statObject(args));
 * }</pre>
 *
 * <p>No jitter: a worker has one client per service, so there is no herd to spread, and the delays
 * stay deterministic in tests.
 */
public final class Retry {

  private static final Logger log = LoggerFactory.getLogger(Retry.class);

  /** A call that may fail. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  /** Something that waits; tests pass one that only advances a fake clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /**
   * @param initial first delay
   * @param factor growth of the delay per attempt
   * @param maxDelay cap on one delay
   * @param budget total time after which the last error is thrown
   */
  public record Policy(Duration initial, double factor, Duration maxDelay, Duration budget) {
    /** 0.2, 0.4, ... 5 s, 5 s, ... for up to 60 s: a 10 s MinIO restart costs ~7 attempts. */
    public static final Policy DEFAULT =
        new Policy(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), Duration.ofSeconds(60));

    public Policy {
      if (initial.isNegative()
          || factor < 1
          || maxDelay.compareTo(initial) < 0
          || budget.isNegative()) {
        throw new IllegalArgumentException(
            "bad retry policy: initial=" + initial + " factor=" + factor + " maxDelay=" + maxDelay
                + " budget=" + budget);
      }
    }

    public Policy withBudget(Duration newBudget) {
      return new Policy(initial, factor, maxDelay, newBudget);
    }

    /** Delay before retry number {@code attempt} (1-based). */
    public long delayMillis(int attempt) {
      double d = initial.toMillis() * Math.pow(factor, attempt - 1);
      return (long) Math.min(d, maxDelay.toMillis());
    }
  }

  private final Policy policy;
  private final Predicate<Throwable> retryable;
  private final Sleeper sleeper;
  private final LongSupplier clockMillis;

  public Retry(Policy policy, Predicate<Throwable> retryable) {
    this(policy, retryable, Thread::sleep, () -> System.nanoTime() / 1_000_000);
  }

  public Retry(
      Policy policy, Predicate<Throwable> retryable, Sleeper sleeper, LongSupplier clockMillis) {
    this.policy = policy;
    this.retryable = retryable;
    this.sleeper = sleeper;
    this.clockMillis = clockMillis;
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Runs {@code call} until it succeeds, fails with a non-retryable error (rethrown, wrapped in an
   * IOException if it is not one), or the budget would be exceeded by the next wait.
   *
   * @param what names the operation in logs and errors
   */
  public <T> T call(String what, Call<T> call) throws IOException {
    long start = clockMillis.getAsLong();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during " + what);
      } catch (Exception e) {
        if (!retryable.test(e)) {
          throw asIOException(what, e);
        }
        long delay = policy.delayMillis(attempt);
        long elapsed = clockMillis.getAsLong() - start;
        if (elapsed + delay > policy.budget().toMillis()) {
          throw new IOException(
              what + " failed after " + attempt + " attempts in " + elapsed + " ms: " + e, e);
        }
        log.warn("{} failed (attempt {}), retrying in {} ms: {}", what, attempt, delay, e);
        sleep(what, delay);
      }
    }
  }

  private void sleep(String what, long millis) throws InterruptedIOException {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying " + what);
    }
  }

  private static IOException asIOException(String what, Exception e) {
    if (e instanceof IOException io) {
      return io;
    }
    if (e instanceof RuntimeException re) {
      throw re;
    }
    return new IOException(what + " failed: " + e, e);
  }
}
