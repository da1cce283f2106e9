package org.rlhfflow.tracking;

import org.rlhfflow.config.RlhfConfig;

/** Picks the tracker the configuration asks for. */
public final class Trackers {

  private Trackers() {}

  /**
   * MLflow when {@code RLHF_MLFLOW_URI} is set (undelivered metrics spooled under
   * {@code $RLHF_HOME/tracking-spool}), else files under {@code $RLHF_HOME/metrics}.
   */
  public static Tracker fromConfig(RlhfConfig config) {
    if (config.mlflowUri() != null) {
      return new MlflowTracker(config.mlflowUri(), config.home().resolve("tracking-spool"));
    }
    return new LocalTracker(config.home().resolve("metrics"));
  }
}
