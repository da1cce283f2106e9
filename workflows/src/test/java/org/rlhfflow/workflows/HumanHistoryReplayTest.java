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
import org.rlhfflow.workflows.human.HumanCollectWorkflowImpl;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflowImpl;

/**
 * Histories of the HumanCollect and HumanFeedback workflows written by earlier versions (recorded by
 * {@link HumanPipelineWorkflowTest} with -Drlhf.recordHistories) must replay on today's code, as the
 * pipeline's do in {@link WorkflowHistoryReplayTest}.
 */
class HumanHistoryReplayTest {
  static List<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(WorkflowHistoryReplayTest.DIR.resolve("human"))) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertFalse(all.isEmpty(), "no human history fixtures");
      return all;
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void replaysOnTodaysWorkflows(Path fixture) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(Files.readString(fixture, StandardCharsets.UTF_8));
    if (fixture.getFileName().toString().contains("collect")) {
      WorkflowReplayer.replayWorkflowExecution(history, HumanCollectWorkflowImpl.class);
    } else {
      WorkflowReplayer.replayWorkflowExecution(history, HumanFeedbackWorkflowImpl.class);
    }
  }
}
