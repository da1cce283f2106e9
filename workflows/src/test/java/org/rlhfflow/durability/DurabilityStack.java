package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.store.MinioArtifactStore;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;

/** The real stack the durability tests run against, from the RLHF_* environment ./test.sh exports. */
final class DurabilityStack implements AutoCloseable {
  final RlhfConfig env = RlhfConfig.fromEnv();
  private final WorkflowServiceStubs service;
  final WorkflowClient client;

  DurabilityStack() {
    assertNotNull(env.temporalAddress(), "RLHF_TEMPORAL_ADDRESS is not set: run this through ./test.sh");
    assertNotNull(env.s3Endpoint(), "RLHF_S3_ENDPOINT is not set: run this through ./test.sh");
    assertNotNull(env.mlflowUri(), "RLHF_MLFLOW_URI is not set: run this through ./test.sh");
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(env.temporalAddress()).build());
    client = WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(env.namespace()).build());
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The durability spec with its resources pointing at {@code queue}. */
  static String specYaml(String queue) throws IOException {
    return specYaml("durability.yaml", queue);
  }

  /** A durability spec from the test resources with its resources pointing at {@code queue}. */
  static String specYaml(String resource, String queue) throws IOException {
    try (InputStream in = DurabilityStack.class.getResourceAsStream("/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("QUEUE", queue);
    }
  }

  WorkflowStub start(String workflowId, String queue, long seed, List<String> force) throws IOException {
    return start("durability.yaml", workflowId, queue, seed, force);
  }

  WorkflowStub start(String resource, String workflowId, String queue, long seed, List<String> force)
      throws IOException {
    WorkflowStub stub = client.newUntypedWorkflowStub("RlhfPipeline",
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(queue).build());
    stub.start(new PipelineInput(resource, specYaml(resource, queue), seed, force));
    return stub;
  }

  /** The running activity and its last heartbeat as the server has it, if any. */
  record Pending(String activityType, int attempt, boolean started, long lastStartedMillis,
      Optional<StageRun.Progress> progress) {}

  Optional<Pending> pending(String workflowId) {
    var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace(env.namespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
    for (PendingActivityInfo a : response.getPendingActivitiesList()) {
      Optional<StageRun.Progress> progress = !a.hasHeartbeatDetails() ? Optional.empty()
          : Optional.of(client.getOptions().getDataConverter().fromPayloads(0,
              Optional.of(a.getHeartbeatDetails()), StageRun.Progress.class, StageRun.Progress.class));
      long started = a.getLastStartedTime().getSeconds() * 1000 + a.getLastStartedTime().getNanos() / 1_000_000;
      boolean running = a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
      return Optional.of(new Pending(a.getActivityType().getName(), a.getAttempt(), running, started, progress));
    }
    return Optional.empty();
  }

  MinioArtifactStore store() {
    return new MinioArtifactStore(env.s3Endpoint(), env.s3AccessKey(), env.s3SecretKey(), env.bucket());
  }

  /** Runs {@code infra/stack.sh <args>} on the stack the environment describes. */
  static void stack(String... args) throws IOException, InterruptedException {
    String script = System.getenv("RLHF_STACK_SCRIPT");
    if (script == null) {
      script = Path.of(System.getProperty("rlhf.repo.root", "."), "infra", "stack.sh").toString();
    }
    List<String> command = new java.util.ArrayList<>(List.of(script));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + " failed:\n" + out);
  }

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  @Override
  public void close() {
    service.shutdown();
  }
}
