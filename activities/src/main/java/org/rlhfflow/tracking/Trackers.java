package org.rlhfflow.tracking;

import org.rlhfflow.config.RlhfConfig;

/** Picks the tracker the configuration asks for. */
public final class Trackers {

  private Trackers() {}

  /** MLflow when {@code RLHF_MLFLOW_URI} is set, else files under {@code $RLHF_HOME/metrics}. */
  public static Tracker fromConfig(RlhfConfig config) {
    if (config.mlflowUri() != null) {
      return new MlflowTracker(config.mlflowUri());
    }
    return new LocalTracker(config.home().resolve("metrics"));
  }
}
