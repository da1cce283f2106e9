package org.rlhfflow.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.workflows.RlhfSweepWorkflow.SweepInput;

/**
 * Records the replay fixture of {@link SweepHistoryReplayTest}: a finished three-point sweep with
 * {@link CachingFakeStages}. Only to add a fixture of a new workflow version, never to overwrite one:
 *
 * <pre>
 * mvn -B -ntp -q -pl workflows -am test -Dtest=SweepHistoryRecorder -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drlhf.recordHistories=$PWD/workflows/src/test/resources/sweep-histories -Drlhf.historyVersion=v1
 * </pre>
 */
@EnabledIfSystemProperty(named = "rlhf.recordHistories", matches = ".+")
class SweepHistoryRecorder {
  @RegisterExtension static final TestWorkflowExtension testWorkflow = RlhfSweepWorkflowTest.extension();

  @Test
  void finished(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    RlhfSweepWorkflowTest.start(env, client, worker, new CachingFakeStages(), "fixture-sweep")
        .run(new SweepInput(RlhfSweepWorkflowTest.BASE, "base.yaml", List.of("ppo.kl_coef=0.05,0.1,0.2"), 2,
            List.of()));
    WorkflowExecutionHistory history = client.fetchHistory("fixture-sweep");
    Path dir = Files.createDirectories(Path.of(System.getProperty("rlhf.recordHistories")));
    Files.writeString(dir.resolve(System.getProperty("rlhf.historyVersion", "v0") + "-finished.json"),
        history.toJson(true));
  }
}
