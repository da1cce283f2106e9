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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Safe worker upgrades: histories written by earlier versions of the pipeline workflow (a finished
 * run and one stopped while PPO ran, recorded by {@link HistoryRecorder}) must replay on today's
 * code. A failure here means a deployed worker would break running pipelines: guard the change
 * with {@code Workflow.getVersion} instead of editing the fixture.
 */
class WorkflowHistoryReplayTest {
  static final Path DIR = Path.of("src/test/resources/histories");

  static List<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertFalse(all.isEmpty(), "no history fixtures in " + DIR.toAbsolutePath());
      return all;
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void replaysOnTodaysWorkflow(Path fixture) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(Files.readString(fixture, StandardCharsets.UTF_8));
    WorkflowReplayer.replayWorkflowExecution(history, RlhfPipelineWorkflowImpl.class);
  }
}
