package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories of {@code RlhfSweep} written by earlier versions (recorded by {@link SweepHistoryRecorder})
 * must replay on today's code: guard a change of its command sequence with {@code Workflow.getVersion}.
 */
class SweepHistoryReplayTest {
  static final Path DIR = Path.of("src/test/resources/sweep-histories");

  @BeforeAll
  static void warmUpAsARunningWorkerIs() {
    WorkflowHistoryReplayTest.warmUpAsARunningWorkerIs(); // class loading would trip the deadlock detector
  }

  static List<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertFalse(all.isEmpty(), "no sweep history fixtures in " + DIR.toAbsolutePath());
      return all;
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void replaysOnTodaysWorkflow(Path fixture) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(Files.readString(fixture, StandardCharsets.UTF_8), "fixture-sweep");
    // the id the fixture ran under: the children's ids are derived from it
    WorkflowReplayer.replayWorkflowExecution(history, RlhfSweepWorkflowImpl.class);
  }
}
