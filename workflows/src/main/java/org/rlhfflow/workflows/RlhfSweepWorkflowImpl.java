package org.rlhfflow.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.sweep.SweepActivities;
import org.rlhfflow.activities.sweep.SweepActivities.ExpandInput;
import org.rlhfflow.activities.sweep.SweepPoint;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * Expands the grid in an activity (a bad key fails there, before any child starts), then runs one
 * child pipeline per point, at most {@code parallel} at once.
 *
 * <p>Shared stages are computed once by ordering, not by a lock: the first point runs alone, and
 * only when it has finished do the others start. Every stage it ran is then in the store under its
 * cache key (which covers only the spec keys the stage reads), so a point that differs in
 * {@code ppo.*} finds SFT, collect and the RM there and reuses them. Two children started together
 * would both miss the cache and both train SFT; a lock in the activities would make one wait a whole
 * stage inside an activity slot. The cost: the first point gets no parallelism, and points that
 * share nothing (a seed axis) wait for it too.
 */
public class RlhfSweepWorkflowImpl implements RlhfSweepWorkflow {
  private final SweepActivities sweep = Workflow.newActivityStub(SweepActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1)) // YAML parsing of a few specs
          .setRetryOptions(StageDef.RETRY)
          .build());

  private final List<String> running = new ArrayList<>();
  private int points;
  private int finished;

  @Override
  public SweepResult run(SweepInput input) {
    List<SweepPoint> grid = sweep.expand(new ExpandInput(input.specYaml(), input.source(), input.grid())).points();
    points = grid.size();
    String sweepId = Workflow.getInfo().getWorkflowId();
    int parallel = Math.max(1, input.parallel());
    List<Promise<PointResult>> results = new ArrayList<>();
    List<Promise<PointResult>> active = new ArrayList<>();
    for (int i = 0; i < grid.size(); i++) {
      // the first point alone (it computes the shared stages), then at most `parallel` at once
      int limit = i == 1 ? 1 : parallel;
      while (active.size() >= limit) {
        Promise.anyOf(active).get();
        active.removeIf(Promise::isCompleted);
      }
      Promise<PointResult> p = start(sweepId, i, grid.get(i), input.forceStages());
      results.add(p);
      active.add(p);
    }
    List<PointResult> out = new ArrayList<>();
    for (Promise<PointResult> p : results) {
      out.add(p.get());
    }
    return new SweepResult(sweepId, out);
  }

  private Promise<PointResult> start(String sweepId, int index, SweepPoint point, List<String> force) {
    String id = sweepId + "-p" + index;
    RlhfPipelineWorkflow child = Workflow.newChildWorkflowStub(RlhfPipelineWorkflow.class,
        ChildWorkflowOptions.newBuilder().setWorkflowId(id).build());
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("rlhf.sweep_id", sweepId);
    tags.put("rlhf.sweep_point", point.label());
    running.add(id);
    Promise<PipelineResult> result = Async.function(child::run,
        new PipelineInput(null, point.specYaml(), null, force == null ? List.of() : force, tags));
    return result.handle((r, failure) -> {
      running.remove(id);
      finished++;
      if (failure == null) {
        return new PointResult(point.label(), point.overrides(), id, "FINISHED", r.summary(), null);
      }
      // one failed point does not stop the others; the table shows why it failed
      return new PointResult(point.label(), point.overrides(), id, "FAILED", Map.of(), rootMessage(failure));
    });
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) { // ChildWorkflowFailure -> ActivityFailure -> ApplicationFailure
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  @Override
  public SweepProgress progress() {
    return new SweepProgress(points, finished, List.copyOf(running));
  }
}
