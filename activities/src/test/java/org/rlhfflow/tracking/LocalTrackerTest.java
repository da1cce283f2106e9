package org.rlhfflow.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTrackerTest {

  @TempDir Path dir;

  private final AtomicLong clock = new AtomicLong(1_000);

  private LocalTracker tracker() {
    return new LocalTracker(dir, clock::incrementAndGet);
  }

  @Test
  void nestedRunsWithParamsMetricsAndTagsRoundTrip() throws Exception {
    try (LocalTracker t = tracker()) {
      String parent = t.startRun("rlhf", "pipeline", null, Map.of("rlhf.pipeline", "p1"));
      String child = t.startRun("rlhf", "sft", parent, Map.of());
      t.logParams(child, Map.of("sft.lr", "3e-4", "sft.epochs", "2"));
      t.logMetric(child, "sft/loss", 2.5, 0);
      t.logMetric(child, "sft/loss", 1.5, 10);
      t.setTags(child, Map.of("stage", "sft"));
      t.endRun(child, "FINISHED");
      t.endRun(parent, "FAILED");
    }

    List<LocalRuns.Run> runs = LocalRuns.read(dir);
    assertEquals(2, runs.size());
    LocalRuns.Run p = runs.get(0);
    LocalRuns.Run c = runs.get(1);
    assertEquals("pipeline", p.meta().name());
    assertNull(p.meta().parentRunId());
    assertEquals("FAILED", p.meta().status());
    assertEquals(Map.of("rlhf.pipeline", "p1"), p.meta().tags());

    assertEquals("sft", c.meta().name());
    assertEquals(p.meta().runId(), c.meta().parentRunId());
    assertEquals("FINISHED", c.meta().status());
    assertEquals(Map.of("stage", "sft"), c.meta().tags());
    assertEquals(Map.of("sft.lr", "3e-4", "sft.epochs", "2"), c.params());
    assertEquals(
        List.of(new MetricPoint("sft/loss", 2.5, 0, 1003), new MetricPoint("sft/loss", 1.5, 10, 1004)),
        c.metrics());
  }

  @Test
  void aRetriedStartReopensTheSameRunAndKeepsItsHistory() throws Exception {
    String first;
    try (LocalTracker t = tracker()) {
      String parent = t.startRun("rlhf", "pipeline", null, Map.of());
      first = t.startRun("rlhf", "ppo", parent, Map.of("attempt", "1"));
      t.logMetric(first, "ppo/rm_score", 0.5, 1);
      t.endRun(first, "FAILED");
    }
    try (LocalTracker t = tracker()) { // a new worker process
      String parent = t.startRun("rlhf", "pipeline", null, Map.of());
      String again = t.startRun("rlhf", "ppo", parent, Map.of("attempt", "2"));
      assertEquals(first, again);
      t.logMetric(again, "ppo/rm_score", 0.7, 2);
    }
    LocalRuns.Run ppo = LocalRuns.readRun(dir.resolve("runs").resolve(first));
    assertEquals("RUNNING", ppo.meta().status());
    assertEquals("2", ppo.meta().tags().get("attempt"));
    assertEquals(2, ppo.metrics().size());
    assertEquals(2, LocalRuns.read(dir).size());
  }

  @Test
  void runIdsDependOnExperimentNameAndParent() {
    try (LocalTracker t = tracker()) {
      String a = t.startRun("rlhf", "x", null, Map.of());
      String b = t.startRun("other", "x", null, Map.of());
      String c = t.startRun("rlhf", "x", a, Map.of());
      assertNotEquals(a, b);
      assertNotEquals(a, c);
      assertEquals(TrackingValues.runKey("rlhf", "x", a), c);
    }
  }

  @Test
  void secretsAreNeverWrittenAndLongValuesAreTruncated() throws Exception {
    try (LocalTracker t = tracker()) {
      String run = t.startRun("rlhf", "r", null, Map.of("github_token", "ghp_x"));
      t.logParams(
          run,
          Map.of(
              "s3.secret_key", "hunter2", "db.PASSWORD", "hunter3", "s3.access-key", "AKIA",
              "prompt", "x".repeat(600)));
    }
    Path runDir = Files.list(dir.resolve("runs")).findFirst().orElseThrow();
    for (String f : List.of("meta.json", "params.json")) {
      String text = Files.readString(runDir.resolve(f));
      assertFalse(text.contains("hunter") || text.contains("AKIA") || text.contains("ghp_"), text);
    }
    String prompt = LocalRuns.readRun(runDir).params().get("prompt");
    assertEquals(TrackingValues.MAX_PARAM_VALUE, prompt.length());
    assertTrue(prompt.endsWith(TrackingValues.TRUNCATED));
  }

  @Test
  void changingAParamIsAnErrorButRepeatingItIsNot() {
    try (LocalTracker t = tracker()) {
      String run = t.startRun("rlhf", "r", null, Map.of());
      t.logParams(run, Map.of("lr", "1e-3"));
      t.logParams(run, Map.of("lr", "1e-3"));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> t.logParams(run, Map.of("lr", "2e-3")));
      assertTrue(e.getMessage().contains("lr"), e.getMessage());
    }
  }

  @Test
  void badKeysStatusesAndRunsAreRejectedWithTheirName() {
    try (LocalTracker t = tracker()) {
      String run = t.startRun("rlhf", "r", null, Map.of());
      for (String bad : List.of("a//b", "x/", "../up", "loss!")) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> t.logMetric(run, bad, 1, 0));
        assertTrue(e.getMessage().contains(bad), e.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> t.endRun(run, "DONE"));
      assertThrows(IllegalArgumentException.class, () -> t.logMetric("0".repeat(32), "k", 1, 0));
      assertThrows(IllegalArgumentException.class, () -> t.startRun("rlhf", "c", "1".repeat(32), null));
    }
  }

  @Test
  void nanMetricsSurviveTheRoundTrip() throws Exception {
    try (LocalTracker t = tracker()) {
      String run = t.startRun("rlhf", "r", null, Map.of());
      t.logMetric(run, "rm/loss", Double.NaN, 0);
      t.logMetric(run, "rm/loss", Double.POSITIVE_INFINITY, 1);
    }
    List<MetricPoint> m = LocalRuns.read(dir).get(0).metrics();
    assertTrue(Double.isNaN(m.get(0).value()));
    assertEquals(Double.POSITIVE_INFINITY, m.get(1).value());
  }

  @Test
  void artifactsAreCopiedUnderTheirPath() throws Exception {
    Path report = Files.writeString(dir.resolve("report.md"), "# eval");
    String run;
    try (LocalTracker t = tracker()) {
      run = t.startRun("rlhf", "r", null, Map.of());
      t.logArtifact(run, report, "eval");
      t.logArtifact(run, report, null);
      assertThrows(IllegalArgumentException.class, () -> t.logArtifact(run, report, "../x"));
    }
    Path artifacts = dir.resolve("runs").resolve(run).resolve("artifacts");
    assertEquals("# eval", Files.readString(artifacts.resolve("eval/report.md")));
    assertEquals("# eval", Files.readString(artifacts.resolve("report.md")));
  }

  @Test
  void badMetricsLineIsReportedWithFileAndLine() throws Exception {
    String run;
    try (LocalTracker t = tracker()) {
      run = t.startRun("rlhf", "r", null, Map.of());
      t.logMetric(run, "sft/loss", 1, 0);
    }
    Path metrics = dir.resolve("runs").resolve(run).resolve("metrics.jsonl");
    Files.writeString(metrics, "{\"key\":\"sft/loss\",\"value\":\n", java.nio.file.StandardOpenOption.APPEND);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> LocalRuns.read(dir));
    assertTrue(e.getMessage().contains("metrics.jsonl:2"), e.getMessage());
  }
}
