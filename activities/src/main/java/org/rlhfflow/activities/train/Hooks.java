package org.rlhfflow.activities.train;

import java.util.Optional;
import java.util.function.Consumer;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;

/**
 * Test seams for resuming: where to resume from instead of the activity's heartbeat, and a
 * listener told about every checkpoint. Production code passes {@link #NONE}.
 *
 * @param resumeFrom overrides {@link StageRun#resumePoint()} when present
 * @param onCheckpoint called with each stored intermediate checkpoint
 */
public record Hooks(Optional<Progress> resumeFrom, Consumer<Progress> onCheckpoint) {
  public static final Hooks NONE = new Hooks(Optional.empty(), p -> {});

  /** The point to resume from: the override, else the previous attempt's heartbeat. */
  public Optional<Progress> resumePoint(StageRun run) {
    Optional<Progress> p = resumeFrom.isPresent() ? resumeFrom : run.resumePoint();
    return p.filter(progress -> progress.checkpoint() != null && progress.step() > 0);
  }
}
