package org.rlhfflow.activities.pipeline;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.PreferenceSpec;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.feedback.ConstitutionLoader;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.ResourcesSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Json;

/** Resolves specs and keeps the pipeline's parent tracking run: its params, tags and summary. */
public final class PipelineActivitiesImpl implements PipelineActivities {
  private final StageServices services;

  public PipelineActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public ResolvedSpec resolveSpec(SpecSource source) {
    try {
      ExperimentSpec spec = load(source);
      if (source.seed() != null) {
        spec = spec.withSeed(source.seed());
      }
      PreferenceSpec.Source prefs = spec.preferences().source();
      if (prefs == PreferenceSpec.Source.AI || spec.reward().source() == org.rlhfflow.activities.grpo.RewardSpec.Source.JUDGE) {
        // A bad constitution fails the pipeline before any training, not at the collect stage.
        ConstitutionLoader.load(Path.of(spec.preferences().ai().constitution()), "preferences.ai.constitution");
      }
      if (ExperimentSpec.SL_CAI.equals(spec.method()) || spec.rlFromSlCai()) { // constitution and prompts, before any training
        org.rlhfflow.activities.slcai.RedTeamPrompts.check(spec,
            ConstitutionLoader.load(Path.of(spec.preferences().ai().constitution()), "preferences.ai.constitution"));
      }
      if (spec.runsRlCai()) { // enough red-team and helpful prompts for the collect stage's mix
        org.rlhfflow.activities.rlcai.RlCaiPrompts.split(spec);
      }
      List<String> plan = StageRegistry.plan(spec);
      checkResources(spec.resources());
      LoraModels.checkTargets(spec); // a target that names no module fails before any training
      Map<String, String> queues = new LinkedHashMap<>();
      Map<String, Double> heartbeats = new LinkedHashMap<>();
      for (String stage : plan) {
        queues.put(stage, spec.resources().taskQueue(stage, StageRegistry.get(stage).defaultTaskQueue()));
        heartbeats.put(stage, spec.resources().heartbeatTimeoutS(stage));
      }
      return new ResolvedSpec(spec.name(), spec.seed(), spec.canonicalJson(), spec.sha256(),
          queues, prefs.name().toLowerCase(), plan, heartbeats, spec.rounds());
    } catch (SpecException | StageFailures.ValidationException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), StageFailures.VALIDATION);
    }
  }

  private static ExperimentSpec load(SpecSource source) {
    if (source.yaml() != null) { // sent by the CLI, so workers need no copy of the file
      return SpecLoader.parse(source.yaml(), source.path() != null ? source.path() : "inline spec");
    }
    if (source.path() != null) {
      return SpecLoader.load(Path.of(source.path()));
    }
    throw new StageFailures.ValidationException("pipeline input: set specPath or specYaml");
  }

  /** Per-stage resources must name registry stages: a typo would silently use the defaults. */
  static void checkResources(ResourcesSpec r) {
    for (String stage : r.stages().keySet()) {
      if (!StageRegistry.names().contains(stage)) {
        throw new StageFailures.ValidationException("resources.stages." + stage + ": unknown stage; stages: "
            + String.join(", ", StageRegistry.names()));
      }
    }
  }

  @Override
  public String startPipelineRun(StartInput input) {
    ExperimentSpec spec = SpecLoader.parse(input.specJson(), "resolved spec");
    Map<String, String> tags = RunTags.pipeline(input.workflowId(), input.runId(), input.specSha256());
    if (input.tags() != null) {
      tags.putAll(input.tags()); // a sweep's id and point, so its runs compare in one MLflow view
    }
    String runId = services.tracker().startRun(input.experiment(), input.workflowId(), null, tags);
    services.tracker().logParams(runId, spec.flatten());
    try {
      Path file = Files.createDirectories(services.scratch().resolve("pipeline")).resolve("spec.json");
      Files.writeString(file, input.specJson());
      services.tracker().logArtifact(runId, file, "spec");
    } catch (IOException e) {
      throw new UncheckedIOException("writing the resolved spec for " + input.workflowId(), e);
    }
    return runId;
  }

  @Override
  public Summary finishPipelineRun(FinishInput input) {
    Map<String, Object> figures = SummaryFigures.of(input);
    try {
      Path dir = Files.createDirectories(services.scratch().resolve("pipeline").resolve(input.ctx().workflowId()));
      Path file = dir.resolve("summary.json");
      Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
      ArtifactRef ref = services.store().put(file);
      String runId = input.ctx().parentRunId();
      SummaryFigures.numeric(figures).forEach((k, v) -> services.tracker().logMetric(runId, k, v, 0));
      SummaryFigures.methodNeutral(figures).forEach((k, v) -> services.tracker().logMetric(runId, k, v, 0));
      services.tracker().logArtifact(runId, file, "summary");
      Path tradeoff = SummaryFigures.tradeoffPlot(figures, dir);
      if (tradeoff != null) {
        services.tracker().logArtifact(runId, tradeoff, "summary");
      }
      ModelRegistry.register(services.tracker(), input)
          .forEach((name, version) -> services.tracker().setTags(runId, Map.of("rlhf.registered." + name, version)));
      if (input.message() != null) {
        String message = input.message();
        services.tracker().setTags(runId, Map.of("rlhf.failed_stage", String.valueOf(input.failedStage()),
            "rlhf.failure", message.length() > 400 ? message.substring(0, 400) : message));
      }
      services.tracker().endRun(runId, input.status());
      return new Summary(figures, ref);
    } catch (IOException e) {
      throw new UncheckedIOException("writing summary.json for " + input.ctx().workflowId(), e);
    }
  }
}
