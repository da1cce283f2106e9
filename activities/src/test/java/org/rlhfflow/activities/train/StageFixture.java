package org.rlhfflow.activities.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;
import org.rlhfflow.tracking.MetricPoint;
import org.rlhfflow.tracking.Tracker;

/** Local services and contexts for running stage activities directly, without Temporal. */
public final class StageFixture {
  private StageFixture() {}

  /** Services over a local store and a tracker that also remembers every metric logged. */
  public static StageServices services(Path tmp, Recording tracker) {
    try {
      return new StageServices(new LocalArtifactStore(tmp.resolve("a")), tracker, tmp.resolve("s"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static StageContext context(ExperimentSpec spec, String... forced) {
    return new StageContext("test", "wf-test", null, spec.canonicalJson(), spec.sha256(), List.of(forced));
  }

  public static StageContext context(String yaml, String... forced) {
    return context(SpecLoader.parse(yaml, "test.yaml"), forced);
  }

  /** A {@link LocalTracker} that keeps the metric points in memory for assertions. */
  public static final class Recording implements Tracker {
    private final LocalTracker local;
    private final List<MetricPoint> points = Collections.synchronizedList(new ArrayList<>());

    public Recording(Path tmp) {
      local = new LocalTracker(tmp.resolve("m"));
    }

    public List<MetricPoint> points(String key) {
      synchronized (points) {
        return points.stream().filter(p -> p.key().equals(key)).toList();
      }
    }

    public void clear() {
      points.clear();
    }

    @Override
    public String startRun(String experiment, String runName, String parentRunId, Map<String, String> tags) {
      return local.startRun(experiment, runName, parentRunId, tags);
    }

    @Override
    public void logParams(String runId, Map<String, String> params) {
      local.logParams(runId, params);
    }

    @Override
    public void logMetric(String runId, String key, double value, long step) {
      points.add(new MetricPoint(key, value, step, 0));
      local.logMetric(runId, key, value, step);
    }

    @Override
    public void setTags(String runId, Map<String, String> tags) {
      local.setTags(runId, tags);
    }

    @Override
    public void logArtifact(String runId, Path file, String artifactPath) {
      local.logArtifact(runId, file, artifactPath);
    }

    @Override
    public void endRun(String runId, String status) {
      local.endRun(runId, status);
    }
  }
}
