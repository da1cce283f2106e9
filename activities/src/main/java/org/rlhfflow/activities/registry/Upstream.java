package org.rlhfflow.activities.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageResult;

/**
 * The results of the stages that ran so far in a pipeline, read through their typed views: {@code
 * up.get(SftStage.DEF).checkpoint()}. Workflow code builds every stage input from it.
 */
public final class Upstream {
  private final Map<String, StageResult> results;

  public Upstream(Map<String, StageResult> results) {
    this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
  }

  /** The stage's typed result, or null if it did not run (skipped, or after {@code until}). */
  public <R> R get(StageDef<?, R> def) {
    StageResult raw = results.get(def.name());
    return raw == null ? null : def.result(raw);
  }

  /** As {@link #get}, failing non-retryably when the stage did not run. */
  public <R> R require(StageDef<?, R> def, String who) {
    R r = get(def);
    if (r == null) {
      throw new ValidationException(who + " needs the output of " + def.name() + ", which did not run");
    }
    return r;
  }

  /** The latest result of a tuning method (a {@link TunedPolicy}), or null. */
  public TunedPolicy tuned() {
    List<String> names = new ArrayList<>(results.keySet());
    Collections.reverse(names);
    for (String name : names) {
      Object typed = StageRegistry.get(name).result(results.get(name));
      if (typed instanceof TunedPolicy t) {
        return t;
      }
    }
    return null;
  }
}
