package org.rlhfflow.activities;

import java.util.Map;
import org.rlhfflow.store.ArtifactRef;

/**
 * What a stage made: its output artifacts by name, its final metrics, and how it got them.
 *
 * @param stage one of {@link Stage}
 * @param outputs named artifacts, e.g. {@code checkpoint}, {@code preferences}, {@code summary}
 * @param metrics final metrics under their stable names, e.g. {@code rm/heldout_accuracy}
 * @param cacheKey sha256 of (stage, stage spec, input digests, code version)
 * @param reused true when a completed run's manifest was found and nothing was recomputed
 * @param wallSeconds time the stage's work took (the original run's time when reused)
 */
public record StageResult(
    String stage,
    Map<String, ArtifactRef> outputs,
    Map<String, Double> metrics,
    String cacheKey,
    boolean reused,
    double wallSeconds) {

  public ArtifactRef output(String name) {
    ArtifactRef ref = outputs.get(name);
    if (ref == null) {
      throw new IllegalStateException(stage + " produced no output named '" + name + "': " + outputs.keySet());
    }
    return ref;
  }
}
