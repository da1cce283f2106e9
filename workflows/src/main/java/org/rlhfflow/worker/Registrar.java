package org.rlhfflow.worker;

import io.temporal.worker.Worker;
import org.rlhfflow.config.RlhfConfig;

/** Registers workflow and activity implementations on the worker of one task queue. */
@FunctionalInterface
public interface Registrar {
  void register(Worker worker, String taskQueue, RlhfConfig config);
}
