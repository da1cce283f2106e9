package org.rlhfflow.worker;

import io.temporal.worker.Worker;
import org.rlhfflow.config.RlhfConfig;

/**
 * The single place where {@code rlhf worker} learns what to run: every stage workflow and activity
 * implementation is registered here, per task queue ({@link RlhfConfig#CPU_QUEUE} for orchestration
 * and light stages, {@link RlhfConfig#GPU_QUEUE} for training).
 */
public final class WorkerSetup {
  private WorkerSetup() {}

  /** A {@link Registrar}: {@code WorkerHost.start(config, WorkerSetup::register)}. */
  public static void register(Worker worker, String taskQueue, RlhfConfig config) {
    // Nothing is registered yet: the pipeline adds its workflows and activities here, so that the
    // worker process, its connection and its shutdown are already tested end to end before then.
  }
}
