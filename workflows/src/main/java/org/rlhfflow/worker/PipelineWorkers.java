package org.rlhfflow.worker;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.AiCollectActivitiesImpl;
import org.rlhfflow.activities.human.HumanCollectActivitiesImpl;
import org.rlhfflow.activities.human.RankingStoreActivitiesImpl;
import org.rlhfflow.activities.pipeline.PipelineActivitiesImpl;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.w2s.W2sActivitiesImpl;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.activities.sweep.SweepActivitiesImpl;
import org.rlhfflow.workflows.RlhfPipelineWorkflow;
import org.rlhfflow.workflows.RlhfPipelineWorkflowImpl;
import org.rlhfflow.workflows.RlhfSweepWorkflowImpl;
import org.rlhfflow.workflows.human.HumanCollectWorkflowImpl;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflowImpl;
import org.rlhfflow.workflows.WeakToStrongWorkflowImpl;

/**
 * Registers the pipeline on a worker: the workflow and every registry stage's activities. Every
 * queue gets all of them; the spec's {@code resources} decide which queue each stage is scheduled on.
 */
public final class PipelineWorkers {
  private PipelineWorkers() {}

  /**
   * One activity at a time per worker: DJL/PyTorch allows a single open GradientCollector per
   * process, and a stage already uses every core it is given.
   *
   * <p>Heartbeats are sent at most every {@link #HEARTBEAT_THROTTLE}. The SDK's default throttle is
   * 0.8 x the heartbeat timeout (24 s here): a checkpoint heartbeated just before a crash would then
   * never reach the server, and the retry would resume from an older checkpoint, redoing its steps.
   */
  public static WorkerOptions options() {
    return WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(1)
        .setMaxHeartbeatThrottleInterval(HEARTBEAT_THROTTLE)
        .build();
  }

  /** One small RPC per second per running stage; cheap next to a training step. */
  static final Duration HEARTBEAT_THROTTLE = Duration.ofSeconds(1);

  public static void register(Worker worker, StageServices services) {
    // WeakToStrong is its own workflow type, not a pipeline stage: its activities are not in the registry.
    // HumanCollect and HumanFeedback run the collect stage for preferences.source: human, the
    // AiCollect activities (sample, judge shards, merge) for preferences.source: ai.
    worker.registerWorkflowImplementationTypes(RlhfPipelineWorkflowImpl.class, WeakToStrongWorkflowImpl.class,
        HumanFeedbackWorkflowImpl.class, HumanCollectWorkflowImpl.class, RlhfSweepWorkflowImpl.class);
    worker.registerActivitiesImplementations(new PipelineActivitiesImpl(services), new W2sActivitiesImpl(services),
        new HumanCollectActivitiesImpl(services), new RankingStoreActivitiesImpl(services.store(), services.scratch()),
        new AiCollectActivitiesImpl(services), new SweepActivitiesImpl());
    for (StageDef<?, ?> def : StageRegistry.all()) {
      worker.registerActivitiesImplementations(def.implementation(services));
    }
  }

  /**
   * Makes sure the pipeline's search attributes exist on the server (they do after infra/stack.sh
   * up; an existing cluster may need them). Already-registered attributes are not an error.
   */
  public static void ensureSearchAttributes(WorkflowClient client) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
        .setChannel(client.getWorkflowServiceStubs().getRawChannel()).validateAndBuildWithDefaults());
    try {
      operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
          .setNamespace(client.getOptions().getNamespace())
          .putSearchAttributes(RlhfPipelineWorkflow.SA_EXPERIMENT, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .putSearchAttributes(RlhfPipelineWorkflow.SA_STAGE, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .build());
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    } finally {
      operator.shutdown();
    }
  }
}
