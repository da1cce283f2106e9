package org.rlhfflow.worker;

import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.config.RlhfConfig;

/**
 * The single place where {@code rlhf worker} learns what to run: every stage workflow and activity
 * implementation is registered here, per task queue ({@link RlhfConfig#CPU_QUEUE} for orchestration
 * and light stages, {@link RlhfConfig#GPU_QUEUE} for training).
 */
public final class WorkerSetup {
  private WorkerSetup() {}

  /** A {@link Registrar}: {@code WorkerHost.start(config, WorkerSetup::register)}. */
  public static synchronized void register(Worker worker, String taskQueue, RlhfConfig config) {
    PipelineWorkers.register(worker, services(config));
  }

  /** One store and tracker per process, shared by every queue's worker. */
  private static StageServices services;

  private static StageServices services(RlhfConfig config) {
    if (services == null) {
      try {
        services = StageServices.fromConfig(config);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the artifact store for " + config, e);
      }
    }
    return services;
  }
}
