package org.rlhfflow.workflows;

import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;

/**
 * Records the replay fixtures of {@link WorkflowHistoryReplayTest}: a finished pipeline and one
 * stopped while its PPO activity runs, both with {@link FakeStages}, and (from v2) a finished
 * pipeline with AI feedback, its judge fanned out ({@code -Dtest=HistoryRecorder#aiFanout}). Run it only to add fixtures of
 * a new workflow version, never to overwrite old ones (they are what old workers wrote):
 *
 * <pre>
 * mvn -B -ntp -q -pl workflows -am test -Dtest=HistoryRecorder -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drlhf.recordHistories=$PWD/workflows/src/test/resources/histories -Drlhf.historyVersion=v1
 * </pre>
 */
@EnabledIfSystemProperty(named = "rlhf.recordHistories", matches = ".+")
class HistoryRecorder {
  @RegisterExtension static final TestWorkflowExtension testWorkflow = WorkflowTestSupport.extension();

  private static Path out(String name) throws Exception {
    Path dir = Files.createDirectories(Path.of(System.getProperty("rlhf.recordHistories")));
    return dir.resolve(System.getProperty("rlhf.historyVersion", "v0") + "-" + name + ".json");
  }

  @Test
  void finished(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    FakeStages fake = new FakeStages();
    fake.taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(fake);
    env.start();
    RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId("fixture-finished").build());
    wf.run(new PipelineInput("experiments/demo.yaml", null, 0L, List.of()));
    WorkflowExecutionHistory history = client.fetchHistory("fixture-finished");
    Files.writeString(out("finished"), history.toJson(true));
  }

  @Test
  void midPpo(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FakeStages fake = new FakeStages();
    fake.taskQueue = worker.getTaskQueue();
    fake.ppoGate = release;
    worker.registerActivitiesImplementations(fake);
    env.start();
    RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId("fixture-mid-ppo").build());
    WorkflowClient.start(wf::run, new PipelineInput("experiments/demo.yaml", null, 0L, List.of()));
    WorkflowExecutionHistory history = null;
    for (int i = 0; i < 200 && history == null; i++) {
      WorkflowExecutionHistory h = client.fetchHistory("fixture-mid-ppo");
      boolean ppoStarted = fake.calls.contains("ppo") && h.getEvents().stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).count() >= 5;
      if (ppoStarted) {
        history = h;
      } else {
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
    if (history == null) {
      throw new IllegalStateException("PPO never started");
    }
    Files.writeString(out("mid-ppo"), history.toJson(true));
    release.countDown();
  }

  @Test
  void aiFanout(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    FakeStages fake = new FakeStages();
    fake.taskQueue = worker.getTaskQueue();
    fake.preferenceSource = "ai";
    worker.registerActivitiesImplementations(fake);
    env.start();
    RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId("fixture-ai-fanout").build());
    wf.run(new PipelineInput("experiments/rlaif.yaml", null, 1L, List.of()));
    Files.writeString(out("ai-fanout"), client.fetchHistory("fixture-ai-fanout").toJson(true));
  }
}
