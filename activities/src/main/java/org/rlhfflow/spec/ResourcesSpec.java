package org.rlhfflow.spec;

import java.util.Map;

/**
 * Where and how long stages run. No stage reads this section, so changing it never invalidates a
 * cached stage. {@code stages} is keyed by registry stage name; unknown names fail at resolve time.
 */
@Doc("Where stages run: Temporal task queues and heartbeat timeouts. No stage reads it, so it is in no cache key.")
public record ResourcesSpec(
    @Doc("Task queue of every stage not overridden in stages; unset, each stage's registry default (rlhf-cpu). CPU workers poll rlhf-cpu, GPU workers rlhf-gpu.")
        String taskQueue,
    @Doc(
            value = "Heartbeat timeout of every stage: a worker silent this long is declared dead and the stage is retried from its last checkpoint.",
            range = "(0, 600]",
            source = "Temporal activity heartbeat timeout; stages heartbeat every second from a background thread", def = "5.0")
        double heartbeatTimeoutS,
    @Doc("Per-stage overrides by stage name, e.g. stages: {ppo: {task_queue: rlhf-gpu}}.")
        Map<String, StageResources> stages) {

  public static final String CPU = "rlhf-cpu";

  public static final ResourcesSpec DEFAULT = SpecDefaults.of(ResourcesSpec.class);

  public ResourcesSpec {
    stages = stages == null ? Map.of() : Map.copyOf(stages);
  }

  /** The task queue of {@code stage}: its override, else the section's, else {@code registryDefault}. */
  public String taskQueue(String stage, String registryDefault) {
    StageResources r = stages.get(stage);
    if (r != null && r.taskQueue() != null) {
      return r.taskQueue();
    }
    return taskQueue != null ? taskQueue : registryDefault;
  }

  /** The heartbeat timeout of {@code stage}, in seconds. */
  public double heartbeatTimeoutS(String stage) {
    StageResources r = stages.get(stage);
    return r != null && r.heartbeatTimeoutS() != null ? r.heartbeatTimeoutS() : heartbeatTimeoutS;
  }

  /** One stage's overrides; unset values fall back to the section's. */
  @Doc("Overrides for one stage.")
  public record StageResources(
      @Doc("Task queue of this stage.") String taskQueue,
      @Doc(value = "Heartbeat timeout of this stage, in seconds.", range = "(0, 600]") Double heartbeatTimeoutS) {

    public static final StageResources DEFAULT = SpecDefaults.of(StageResources.class);
  }
}
