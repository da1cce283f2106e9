package org.rlhfflow.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.store.Retry;

class MetricSpoolTest {

  @TempDir Path root;
  private final AtomicLong now = new AtomicLong();
  private final List<String> sent = new ArrayList<>();
  private boolean serverDown;

  private MetricBuffer buffer(MetricSpool spool) {
    Retry.Policy p = new Retry.Policy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), Duration.ofSeconds(10));
    Retry retry = new Retry(p, MlflowErrors::retryable, ms -> now.addAndGet(ms), now::get);
    return new MetricBuffer((run, batch) -> {
      if (serverDown) {
        throw new ConnectException("Connection refused");
      }
      batch.forEach(m -> sent.add(run + ":" + m.key() + "@" + m.step() + "=" + m.value()));
    }, retry, MlflowErrors::retryable, 2, 5_000, now::get, spool);
  }

  private static MetricPoint point(int step) {
    return new MetricPoint("ppo/kl", step * 0.25, step, 1000 + step);
  }

  private long spooledFiles() throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".jsonl") || f.toString().endsWith(".end")).count();
    }
  }

  @Test
  void pointsUnsentWhenAWorkerDiesAreSentByTheNextOneExactlyOnce() throws Exception {
    MetricSpool dead = MetricSpool.open(root);
    MetricBuffer b = buffer(dead);
    serverDown = true;
    for (int step = 0; step < 5; step++) {
      b.add("run1", point(step));
    }
    b.add("run2", point(9));
    dead.recordEnd("run1", new MetricSpool.End("FINISHED", 77));
    dead.close(); // the process is gone: its lock is free, its files stay

    serverDown = false;
    MetricSpool next = MetricSpool.open(root);
    MetricSpool.Recovered left = next.adoptOrphans();
    assertEquals(6, left.size());
    assertEquals(Map.of("run1", new MetricSpool.End("FINISHED", 77)), left.ends());
    assertFalse(Files.exists(dead.dir()), "the dead worker's spool is removed once adopted");
    MetricBuffer b2 = buffer(next);
    b2.adopt(left.points());
    b2.flush();
    assertEquals(List.of("run1:ppo/kl@0=0.0", "run1:ppo/kl@1=0.25", "run1:ppo/kl@2=0.5", "run1:ppo/kl@3=0.75",
        "run1:ppo/kl@4=1.0", "run2:ppo/kl@9=2.25"), sent);
    next.ended("run1");
    assertEquals(0, spooledFiles(), "nothing is left to send");
    next.close();
    assertFalse(Files.exists(next.dir()), "an empty spool leaves no directory");
  }

  @Test
  void aLiveWorkersSpoolIsNotTaken() throws Exception {
    MetricSpool live = MetricSpool.open(root);
    serverDown = true;
    buffer(live).add("run1", point(0));
    try (MetricSpool other = MetricSpool.open(root)) {
      assertEquals(0, other.adoptOrphans().size());
    }
    assertEquals(1, spooledFiles());
    live.close();
  }

  @Test
  void deliveredPointsLeaveTheSpool() throws Exception {
    try (MetricSpool spool = MetricSpool.open(root)) {
      MetricBuffer b = buffer(spool);
      b.add("run1", point(0));
      assertEquals(1, spooledFiles(), "an unsent point is on disk");
      b.add("run1", point(1)); // the batch is full: sent
      assertEquals(2, sent.size());
      assertEquals(0, spooledFiles());
    }
  }

  @Test
  void aTornLastLineIsSkippedAndTheRestRecovered() throws Exception {
    MetricSpool dead = MetricSpool.open(root);
    serverDown = true;
    MetricBuffer b = buffer(dead);
    b.add("run1", point(0));
    Files.writeString(dead.dir().resolve("run1.jsonl"), "{\"key\":\"ppo/kl\",\"val", java.nio.file.StandardOpenOption.APPEND);
    dead.close();
    try (MetricSpool next = MetricSpool.open(root)) {
      MetricSpool.Recovered left = next.adoptOrphans();
      assertEquals(List.of(point(0)), left.points().get("run1"));
      assertTrue(Files.exists(next.dir().resolve("run1.jsonl")), "adopted points are spooled again");
    }
  }
}
