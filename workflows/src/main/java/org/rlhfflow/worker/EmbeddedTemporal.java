package org.rlhfflow.worker;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.workflows.RlhfPipelineWorkflow;

/**
 * The embedded default: an in-process Temporal service with real time (no time skipping) and a
 * worker on both task queues, running the same workflow and activities as a real worker.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  private final TestWorkflowEnvironment env;

  public EmbeddedTemporal(StageServices services) {
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.registerSearchAttribute(RlhfPipelineWorkflow.SA_EXPERIMENT, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(RlhfPipelineWorkflow.SA_STAGE, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    for (String queue : List.of(RlhfConfig.CPU_QUEUE, RlhfConfig.GPU_QUEUE)) {
      PipelineWorkers.register(env.newWorker(queue, PipelineWorkers.options()), services);
    }
    env.start();
  }

  public WorkflowClient client() {
    return env.getWorkflowClient();
  }

  @Override
  public void close() {
    env.shutdown();
    env.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
  }
}
