package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.temporal.api.common.v1.Payloads;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.junit.jupiter.api.BeforeAll;
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

  /**
   * A running worker has loaded the registry (it registers the stages) and Jackson (it has
   * converted payloads) before it replays a history; do the same here, or the first replayed task
   * pays that class loading and trips the SDK's 1 s deadlock detector on a loaded machine.
   */
  @BeforeAll
  static void warmUpAsARunningWorkerIs() {
    assertFalse(StageRegistry.all().isEmpty());
    DataConverter converter = DefaultDataConverter.newDefaultInstance();
    StageResult result = new StageResult("sft", Map.of("checkpoint", FakeStages.ref("c")), Map.of("m", 1.0), "k",
        false, 1.0);
    Optional<Payloads> payloads = converter.toPayloads(
        new PipelineInput("x.yaml", null, 1L, List.of()), result, FakeStages.ref("x"));
    assertEquals(result, converter.fromPayloads(1, payloads, StageResult.class, StageResult.class));
  }

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
