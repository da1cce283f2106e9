package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.activities.w2s.W2sActivities.TrainInput;
import org.rlhfflow.workflows.WeakToStrongWorkflow.W2sInput;
import org.rlhfflow.workflows.WeakToStrongWorkflow.W2sResult;

/** The WeakToStrong workflow against fake activities: the sweep's shape, fan-out, failure, replay. */
class WeakToStrongWorkflowTest {
  /** Recorded by {@link #recordFixture} and committed; replayed by {@link #committedHistoryReplays}. */
  static final String FIXTURE = "/w2s/weak-to-strong-history.json";
  /** The same with w2s.pretrain on (the "w2s-pretrain" version), recorded by {@link #recordPretrainFixture}. */
  static final String PRETRAIN_FIXTURE = "/w2s/weak-to-strong-pretrain-history.json";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = TestWorkflowExtension.newBuilder()
      .registerWorkflowImplementationTypes(WeakToStrongWorkflowImpl.class)
      .setDoNotStart(true)
      .build();

  private static WeakToStrongWorkflow start(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      FakeW2s fake, String id) {
    worker.registerActivitiesImplementations(fake);
    env.newWorker("rlhf-cpu").registerActivitiesImplementations(fake); // the plan's training queue
    env.start();
    return client.newWorkflowStub(WeakToStrongWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
  }

  private static long count(FakeW2s fake, String role) {
    return fake.trains.stream().filter(t -> t.role().equals(role)).count();
  }

  @Test
  void everyPairSeedAndLossIsTrainedOnTheRightLabels(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeW2s fake = new FakeW2s();
    WeakToStrongWorkflow wf = start(env, client, worker, fake, "w2s-shape");
    W2sResult result = wf.run(new W2sInput("x.yaml", null, null, null));
    // 2 seeds x (2 weak + 2 ceilings + 2 weak x 2 strong x 2 losses students)
    assertEquals(2 * 2, count(fake, "weak"));
    assertEquals(2 * 2, count(fake, "ceiling"));
    assertEquals(2 * 8, count(fake, "student"));
    assertEquals(24, result.runs().size());
    for (TrainInput t : fake.trains) {
      String s = "seed" + t.seed();
      switch (t.role()) {
        case "weak" -> { // train1 ground truth; labels train2
          assertEquals(FakeStages.ref(s + "/train1"), t.train());
          assertNull(t.softLabels());
          assertEquals(FakeStages.ref(s + "/train2"), t.labelTarget());
        }
        case "ceiling" -> {
          assertEquals(FakeStages.ref(s + "/train2"), t.train());
          assertNull(t.softLabels());
        }
        default -> { // students: train2 with their own supervisor's labels of this seed
          assertEquals(FakeStages.ref(s + "/train2"), t.train());
          assertEquals(FakeStages.ref("weak/" + t.supervisor() + "/xent/null/" + t.seed() + "/labels"), t.softLabels());
          assertNull(t.labelTarget());
        }
      }
      assertEquals(FakeStages.ref(s + "/test"), t.test());
    }
    assertTrue(fake.maxRunning.get() > 1, "independent runs should be in flight together");
    assertEquals("FINISHED", fake.reportStatus);
    assertEquals("done", wf.progress().stage());
    assertEquals(24, wf.progress().finished());
  }

  @Test
  void bootstrappingChainsLabelsAndSharesRunsWithTheSweep(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeW2s fake = new FakeW2s();
    fake.bootstrap = List.of("nano", "micro", "tiny");
    start(env, client, worker, fake, "w2s-bootstrap").run(new W2sInput("x.yaml", null, null, null));
    List<TrainInput> links = fake.trains.stream().filter(t -> t.role().equals("bootstrap") && t.seed() == 10).toList();
    assertEquals(2, links.size());
    TrainInput micro = links.stream().filter(t -> t.model().equals("micro")).findFirst().orElseThrow();
    TrainInput tiny = links.stream().filter(t -> t.model().equals("tiny")).findFirst().orElseThrow();
    assertEquals(FakeStages.ref("weak/nano/xent/null/10/labels"), micro.softLabels());
    assertEquals(FakeStages.ref("bootstrap/micro/xent/nano/10/labels"), tiny.softLabels()); // micro labels for tiny
    // nano's weak run, tiny's ceiling and nano->tiny xent are shared with the sweep, not rerun.
    assertEquals(2 * 2, count(fake, "weak"));
    assertEquals(2 * 2, count(fake, "ceiling"));
    assertEquals(1, fake.trains.stream().filter(t -> t.role().equals("student") && t.seed() == 10
        && t.model().equals("tiny") && Objects.equals(t.supervisor(), "nano") && t.loss().equals("xent")).count());
  }

  @Test
  void pretrainingRunsOncePerModelAndEveryRunFineTunesItsCheckpoint(TestWorkflowEnvironment env,
      WorkflowClient client, Worker worker) {
    FakeW2s fake = new FakeW2s();
    fake.pretrain = List.of("nano", "micro", "tiny", "mini");
    fake.bootstrap = List.of("nano", "micro", "tiny");
    W2sResult result = start(env, client, worker, fake, "w2s-pretrain").run(new W2sInput("x.yaml", null, null, null));
    assertEquals(List.of("micro", "mini", "nano", "tiny"), fake.pretrained.stream().sorted().toList()); // once each, not per seed
    assertEquals(28, result.runs().size()); // as without it: 24, plus 2 seeds x 2 chain links
    for (TrainInput t : fake.trains) {
      assertEquals(FakeStages.ref("pretrain/" + t.model()), t.pretrained(), t.role() + " " + t.model());
    }
    assertEquals(4, fake.reportedPretraining.size());
  }

  @Test
  void withoutPretrainingRunsStartFromTheirPreset(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeW2s fake = new FakeW2s();
    start(env, client, worker, fake, "w2s-no-pretrain").run(new W2sInput("x.yaml", null, null, null));
    assertTrue(fake.pretrained.isEmpty());
    assertTrue(fake.trains.stream().allMatch(t -> t.pretrained() == null));
    assertTrue(fake.reportedPretraining.isEmpty());
  }

  @Test
  void aFailedRunFailsTheSweepAndClosesTheRunAsFailed(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) {
    FakeW2s fake = new FakeW2s();
    fake.failRole = "ceiling";
    WeakToStrongWorkflow wf = start(env, client, worker, fake, "w2s-fail");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> wf.run(new W2sInput("x.yaml", null, null, null)));
    assertTrue(e.getCause().getCause().getMessage().contains("injected failure in ceiling"));
    assertEquals("FAILED", fake.reportStatus);
    assertEquals("failed", wf.progress().stage());
  }

  /** Run with -Dw2s.record=workflows/src/test/resources/w2s/weak-to-strong-history.json to re-record. */
  @Test
  void recordFixture(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    recordSweep(env, client, worker, List.of(), "w2s-replay", "w2s.record");
  }

  /** Run with -Dw2s.recordPretrain=workflows/src/test/resources/w2s/weak-to-strong-pretrain-history.json. */
  @Test
  void recordPretrainFixture(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    recordSweep(env, client, worker, List.of("nano", "micro", "tiny", "mini"), "w2s-replay-pretrain",
        "w2s.recordPretrain");
  }

  /** Runs a sweep with a bootstrap chain, replays its live history, and writes it where the property says. */
  private static void recordSweep(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      List<String> pretrain, String id, String property) throws Exception {
    FakeW2s fake = new FakeW2s();
    fake.bootstrap = List.of("nano", "micro", "tiny");
    fake.pretrain = pretrain;
    WeakToStrongWorkflow wf = start(env, client, worker, fake, id);
    wf.run(new W2sInput("experiments/w2s.yaml", null, 10L, null));
    WorkflowExecution execution = WorkflowStub.fromTyped(wf).getExecution();
    WorkflowExecutionHistory history = client.fetchHistory(execution.getWorkflowId(), execution.getRunId());
    WorkflowReplayer.replayWorkflowExecution(history, WeakToStrongWorkflowImpl.class); // live history replays
    String target = System.getProperty(property);
    if (target != null) {
      Files.writeString(Path.of(target), history.toJson(true), StandardCharsets.UTF_8);
    }
  }

  /** A sweep started before pretraining existed (its plan has no pretrain list) replays on this code. */
  @Test
  void committedHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(resource(FIXTURE), WeakToStrongWorkflowImpl.class);
  }

  @Test
  void committedPretrainHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(resource(PRETRAIN_FIXTURE), WeakToStrongWorkflowImpl.class);
  }

  private String resource(String name) throws Exception {
    try (var in = Objects.requireNonNull(getClass().getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
