package org.rlhfflow.workflows;

import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.PipelineActivities.ResolvedSpec;
import org.rlhfflow.activities.PipelineActivities.SpecSource;
import org.rlhfflow.activities.PipelineActivities.StartInput;
import org.rlhfflow.activities.PipelineActivities.Summary;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.activities.registry.Upstream;

/**
 * Orchestrates the stages and nothing else: every byte of work happens in activities. The stage
 * list comes from the registry's plan for the spec ({@link StageRegistry#plan}), resolved in an
 * activity; each stage's input is built by its registry entry from the results before it.
 */
public class RlhfPipelineWorkflowImpl implements RlhfPipelineWorkflow {
  static final SearchAttributeKey<String> EXPERIMENT = SearchAttributeKey.forKeyword(SA_EXPERIMENT);
  static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword(SA_STAGE);

  /**
   * Version 1: the resolved stage list is the execution order and each stage has its own heartbeat
   * timeout. Histories without the marker (written before the stage registry) resolved the stages
   * in lifecycle order and let the workflow move collect after SFT; they keep that order.
   */
  static final String REGISTRY_CHANGE = "stage-registry";
  static final int REGISTRY_VERSION = 1;
  /** The heartbeat timeout every stage had before it became a spec value. */
  static final Duration LEGACY_HEARTBEAT = Duration.ofSeconds(30);

  private final PipelineActivities pipeline =
      Workflow.newActivityStub(PipelineActivities.class, StageOptions.bookkeeping());

  private final Map<String, StageResult> results = new LinkedHashMap<>();
  private final List<String> reused = new ArrayList<>();
  private String experiment = "";
  private String stage = "resolve";
  private List<String> planned = List.of();

  @Override
  public PipelineResult run(PipelineInput input) {
    long start = Workflow.currentTimeMillis();
    ResolvedSpec spec = pipeline.resolveSpec(new SpecSource(input.specPath(), input.specYaml(), input.seed()));
    experiment = spec.experiment();
    int version = Workflow.getVersion(REGISTRY_CHANGE, Workflow.DEFAULT_VERSION, REGISTRY_VERSION);
    planned = version == Workflow.DEFAULT_VERSION
        ? legacyOrder(spec.stages(), spec.preferenceSource()) : spec.stages();
    Workflow.upsertTypedSearchAttributes(EXPERIMENT.valueSet(experiment));
    String runId = Workflow.getInfo().getRunId();
    String parentRun = pipeline.startPipelineRun(new StartInput(
        experiment, Workflow.getInfo().getWorkflowId(), runId, spec.specJson(), spec.specSha256()));
    StageContext ctx = new StageContext(experiment, Workflow.getInfo().getWorkflowId(), parentRun,
        spec.specJson(), spec.specSha256(), input.forceStages() == null ? List.of() : input.forceStages());
    try {
      for (String name : planned) {
        runStage(StageRegistry.get(name), spec, ctx);
      }
    } catch (ActivityFailure | ApplicationFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      String failedStage = stage;
      stage = cancelled ? "cancelled" : "failed";
      // A cancelled workflow may still run cleanup, but only in a detached scope.
      Workflow.newDetachedCancellationScope(() -> pipeline.finishPipelineRun(new FinishInput(ctx, results,
          seconds(start), cancelled ? "KILLED" : "FAILED", failedStage, e.getMessage()))).run();
      throw e;
    }
    stage = "done";
    setStage(stage);
    Summary summary = pipeline.finishPipelineRun(
        new FinishInput(ctx, results, seconds(start), "FINISHED", null, null));
    return new PipelineResult(experiment, spec.specSha256(), results, summary.figures(), summary.summaryJson());
  }

  private void runStage(StageDef<?, ?> def, ResolvedSpec spec, StageContext ctx) {
    Object in;
    try {
      in = def.input(ctx, new Upstream(results));
    } catch (RuntimeException e) { // a plan that lets a stage run without what it needs: fail, do not retry
      throw ApplicationFailure.newNonRetryableFailure(def.name() + ": " + e.getMessage(), StageFailures.VALIDATION);
    }
    ActivityStub activity = Workflow.newUntypedActivityStub(
        def.options(spec.taskQueues().get(def.name()), heartbeatTimeout(spec, def.name())));
    stage = def.name();
    setStage(def.name());
    StageResult result = activity.execute(def.activityType(), StageResult.class, in);
    results.put(def.name(), result);
    if (result.reused()) {
      reused.add(def.name());
    }
  }

  private static Duration heartbeatTimeout(ResolvedSpec spec, String stage) {
    Double seconds = spec.heartbeatTimeouts() == null ? null : spec.heartbeatTimeouts().get(stage);
    return seconds == null ? LEGACY_HEARTBEAT : Duration.ofMillis(Math.round(seconds * 1000));
  }

  /**
   * The order of workflows started before the registry: their resolved list is in lifecycle order
   * (collect, sft, ...) and simulated preferences were collected after SFT, from its policy.
   */
  static List<String> legacyOrder(List<String> stages, String preferenceSource) {
    if ("dataset".equals(preferenceSource) || !stages.contains("collect") || !stages.contains("sft")) {
      return stages;
    }
    List<String> order = new ArrayList<>(stages);
    order.remove("collect");
    order.add(order.indexOf("sft") + 1, "collect");
    return order;
  }

  private void setStage(String name) {
    Workflow.upsertTypedSearchAttributes(STAGE.valueSet(name));
  }

  private static double seconds(long startMillis) {
    return (Workflow.currentTimeMillis() - startMillis) / 1000.0;
  }

  @Override
  public Progress progress() {
    return new Progress(experiment, stage, List.copyOf(results.keySet()), List.copyOf(reused), planned);
  }
}
