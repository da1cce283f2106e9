package org.rlhfflow.activities.sweep;

import io.temporal.failure.ApplicationFailure;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.spec.SpecException;

/** Pure computation over the spec text: no services needed. */
public final class SweepActivitiesImpl implements SweepActivities {
  @Override
  public ExpandResult expand(ExpandInput input) {
    try {
      return new ExpandResult(SweepGrid.expand(input.baseYaml(), input.source(), input.grid()));
    } catch (SpecException | IllegalArgumentException e) { // bad input: retrying cannot fix it
      throw ApplicationFailure.newNonRetryableFailure("sweep: " + e.getMessage(), StageFailures.VALIDATION);
    }
  }
}
