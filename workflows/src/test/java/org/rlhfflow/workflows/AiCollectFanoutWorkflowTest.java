package org.rlhfflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rlhfflow.activities.collect.AiCollectActivities.ShardResult;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/** preferences.source: ai fans the judge out: sample, every shard scheduled at once, then merge. */
class AiCollectFanoutWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension testWorkflow = WorkflowTestSupport.extension();

  private static PipelineResult run(TestWorkflowEnvironment env, WorkflowClient client, Worker worker,
      FakeStages fake, String id) {
    fake.preferenceSource = "ai";
    fake.taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(fake);
    env.start();
    return client.newWorkflowStub(RlhfPipelineWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build())
        .run(new PipelineInput("experiments/rlaif.yaml", null, 1L, List.of()));
  }

  @Test
  void shardsRunTogetherAndTheMergeFeedsTheRewardModel(TestWorkflowEnvironment env, WorkflowClient client,
      Worker worker) throws Exception {
    FakeStages fake = new FakeStages();
    fake.shardsTogether = new CountDownLatch(fake.aiShards); // released only if all three are running at once
    PipelineResult result = run(env, client, worker, fake, "wf-ai-fanout");

    assertEquals(Collections.nCopies(3, true), fake.shardsMet, "every shard saw the others running");
    assertEquals(List.of("resolve", "start", SftStage.NAME, "sample", "judge-shard", "judge-shard", "judge-shard",
        CollectStage.NAME, RewardModelStage.NAME, PpoStage.NAME, EvaluateStage.NAME, "finish"), fake.calls);
    // the merge gets every shard's verdicts in shard order, whatever order they finished in
    assertEquals(List.of(0, 1, 2), fake.finishAiInput.shards().stream().map(ShardResult::index).toList());
    assertTrue(fake.finishAiInput.labelSeconds() >= 0);
    RewardModelInput rm = (RewardModelInput) fake.inputs.get(RewardModelStage.NAME);
    assertEquals(FakeStages.ref("collect/preferences"), rm.preferences());
    assertEquals(FakeStages.ref("collect/preferences"), result.stages().get(CollectStage.NAME).output("preferences"));

    WorkflowExecutionHistory history = client.fetchHistory("wf-ai-fanout");
    List<HistoryEvent> events = history.getEvents();
    assertTrue(events.stream().anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().getDetailsMap().toString().contains(RlhfPipelineWorkflowImpl.AI_FANOUT_CHANGE)));
    // all three shards are scheduled before any activity completes again: one workflow task schedules them
    List<Integer> shardScheduled = new java.util.ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("JudgeShard")) {
        shardScheduled.add(i);
      }
    }
    assertEquals(3, shardScheduled.size());
    for (int i = shardScheduled.get(0); i < shardScheduled.get(2); i++) {
      assertTrue(events.get(i).getEventType() != EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, "event " + i);
    }
    WorkflowReplayer.replayWorkflowExecution(history, RlhfPipelineWorkflowImpl.class);
  }

  @Test
  void aCollectDoneBeforeSchedulesNoShard(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    FakeStages fake = new FakeStages();
    fake.aiReused = true;
    PipelineResult result = run(env, client, worker, fake, "wf-ai-reused");
    assertEquals(List.of("resolve", "start", SftStage.NAME, "sample", RewardModelStage.NAME, PpoStage.NAME,
        EvaluateStage.NAME, "finish"), fake.calls);
    assertEquals(FakeStages.ref("collect/cached"), ((RewardModelInput) fake.inputs.get(RewardModelStage.NAME)).preferences());
    assertTrue(result.stages().get(CollectStage.NAME).reused());
  }
}
