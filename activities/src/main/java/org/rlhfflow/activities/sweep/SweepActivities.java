package org.rlhfflow.activities.sweep;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The sweep's one activity: expanding and validating the grid, before any pipeline starts. */
@ActivityInterface
public interface SweepActivities {

  /**
   * @param baseYaml the base spec's text
   * @param source the base spec's file name, for error messages
   * @param grid {@code KEY=V1,V2,...} arguments, one per axis
   */
  record ExpandInput(String baseYaml, String source, List<String> grid) {}

  record ExpandResult(List<SweepPoint> points) {}

  /** Fails non-retryably, naming the key, when an override is not a valid spec value. */
  @ActivityMethod(name = "ExpandSweep")
  ExpandResult expand(ExpandInput input);
}
