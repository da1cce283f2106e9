package org.rlhfflow.worker;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.rlhfflow.codec.AesGcmCodec;
import org.rlhfflow.config.RlhfConfig;

/**
 * A running Temporal worker process: one connection, one worker per configured task queue.
 *
 * <pre>{@code
 * try (WorkerHost host = WorkerHost.start(config, WorkerSetup::register, Duration.ofSeconds(30))) {
 *   host.client().newWorkflowStub(...);
 * }
 * }</pre>
 */
public final class WorkerHost implements AutoCloseable {
  /** How long to wait for the server's health check before giving up with a clear error. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private final WorkflowServiceStubs service;
  private final WorkerFactory factory;
  private final Duration shutdownGrace;
  private final CountDownLatch closed = new CountDownLatch(1);

  private WorkerHost(WorkflowServiceStubs service, WorkerFactory factory, Duration shutdownGrace) {
    this.service = service;
    this.factory = factory;
    this.shutdownGrace = shutdownGrace;
  }

  /** Connects to {@code config.temporalAddress()}, registers each queue's worker and starts polling. */
  public static WorkerHost start(RlhfConfig config, Registrar registrar, Duration shutdownGrace) {
    if (config.temporalAddress() == null) {
      throw new IllegalArgumentException(
          "no Temporal address: set RLHF_TEMPORAL_ADDRESS or --temporal (e.g. 127.0.0.1:7233 after infra/stack.sh up)");
    }
    WorkflowServiceStubs service = connect(config.temporalAddress());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(config.namespace())
                // AES-GCM payloads when RLHF_PAYLOAD_KEY is set (history encrypted at rest)
                .setDataConverter(AesGcmCodec.dataConverter(System.getenv())).build());
    PipelineWorkers.ensureSearchAttributes(client);
    WorkerFactory factory = WorkerFactory.newInstance(client);
    for (String queue : config.taskQueues()) {
      registrar.register(factory.newWorker(queue, PipelineWorkers.options()), queue, config);
    }
    factory.start();
    return new WorkerHost(service, factory, shutdownGrace);
  }

  private static WorkflowServiceStubs connect(String address) {
    WorkflowServiceStubsOptions options = WorkflowServiceStubsOptions.newBuilder().setTarget(address).build();
    try {
      return WorkflowServiceStubs.newConnectedServiceStubs(options, CONNECT_TIMEOUT);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot reach Temporal at " + address + " within " + CONNECT_TIMEOUT.toSeconds()
              + "s (is it running? infra/stack.sh status): " + e.getMessage(), e);
    }
  }

  public WorkflowClient client() {
    return factory.getWorkflowClient();
  }

  /** Blocks until {@link #close()} has finished, e.g. from a shutdown hook. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops polling and lets running tasks finish within the grace period. Activities that heartbeat
   * learn of the shutdown from their next heartbeat (ActivityWorkerShutdownException) and can stop
   * at a checkpoint; Temporal retries them on another worker.
   */
  @Override
  public void close() {
    try {
      factory.shutdown();
      factory.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
      if (!factory.isTerminated()) {
        factory.shutdownNow();
      }
      service.shutdown();
      service.awaitTermination(5, TimeUnit.SECONDS);
    } finally {
      closed.countDown();
    }
  }
}
