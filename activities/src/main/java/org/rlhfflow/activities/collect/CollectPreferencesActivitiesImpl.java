package org.rlhfflow.activities.collect;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectPreferencesActivities;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.data.Prompt;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.ConstitutionLoader;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.Task;

/**
 * The collect stage: preference pairs from the simulated labeller, an AI judge applying a
 * constitution ({@link AiCollection}) or a dataset file, written as one Arrow file (output {@code
 * preferences}).
 *
 * <pre>{@code
 * StageResult r = new CollectPreferencesActivitiesImpl(services).collect(new CollectInput(ctx, sftRef, null));
 * ArtifactRef prefs = r.output("preferences");
 * }</pre>
 */
public final class CollectPreferencesActivitiesImpl implements CollectPreferencesActivities {
  private final StageServices services;

  public CollectPreferencesActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public CollectResult collect(CollectInput input) {
    ExperimentSpec spec;
    Map<String, String> inputs;
    try {
      spec = SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment());
      inputs = cacheInputs(spec, input);
    } catch (RuntimeException e) {
      ApplicationFailure bad = StageFailures.nonRetryable(CollectStage.NAME, e);
      throw bad != null ? bad : e;
    }
    return CollectResult.of(StageRun.execute(services, input.ctx(), CollectStage.DEF, inputs, run ->
        switch (spec.preferences().source()) {
          case SIMULATED -> simulated(run, input.policy());
          case DATASET -> fromDataset(run, run.file("data.preference_dataset"));
          case AI -> ai(run, input.policy(), judgeModel(spec, input));
          default -> throw unsupported(spec);
        }));
  }

  /**
   * The policy's digest, and with AI feedback the judge's and the constitution's; the files the
   * stage reads are in the key through CollectStage's optFiles. Resolving them validates the
   * constitution and finds the judge before anything is sampled or labelled.
   */
  static Map<String, String> cacheInputs(ExperimentSpec spec, CollectInput input) {
    return switch (spec.preferences().source()) {
      case SIMULATED, AI -> {
        if (input.policy() == null) {
          throw new ValidationException("preferences.source: " + spec.preferences().source().name().toLowerCase(Locale.ROOT)
              + " needs a policy to sample from (the SFT checkpoint), got none");
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("policy", input.policy().sha256());
        if (spec.preferences().source() == PreferenceSpec.Source.AI) {
          inputs.put("constitution", constitution(spec).sha256());
          inputs.put("judge", judgeModel(spec, input).sha256());
        }
        if (spec.runsRlCai()) { // which prompts each source labels; absent, every other key is as it was
          inputs.put("rl_cai.harmless_fraction", Double.toString(spec.rlCai().harmlessFraction()));
          RlCaiMix.putJudgeInputs(spec, constitution(spec), inputs);
        }
        yield inputs;
      }
      case DATASET -> {
        existing(spec.data().preferenceDataset(), "data.preference_dataset"); // fail before the run opens
        yield Map.of();
      }
      default -> throw unsupported(spec);
    };
  }

  /** The judge: a stage output of this pipeline (pretrain's base model, the SFT policy) or a file. */
  static JudgeModel judgeModel(ExperimentSpec spec, CollectInput input) {
    String judge = spec.preferences().ai().judge();
    return JudgeModel.resolve(judge, judge.equals("sft") ? input.policy() : input.pretrained());
  }

  public static Constitution constitution(ExperimentSpec spec) {
    return ConstitutionLoader.load(Path.of(spec.preferences().ai().constitution()), "preferences.ai.constitution");
  }

  /**
   * AI feedback: the judge is loaded and its option tokens checked before the policy samples
   * anything, so a bad judge fails the stage at once.
   */
  private StageResult ai(StageRun run, ArtifactRef policy, JudgeModel judgeModel) throws IOException {
    ExperimentSpec spec = run.spec();
    Task task = Task.named(spec.task().name());
    Constitution constitution = constitution(spec);
    List<String> prompts = RlCaiMix.aiPrompts(run, task);
    AiCollection.Result r;
    try (LanguageModel judgeLm = judgeModel.load(run)) {
      Judge judge = AiCollectActivitiesImpl.judge(judgeLm, constitution, spec);
      try (LanguageModel lm = Models.loadLanguageModel(run, policy, "policy")) {
        r = new AiCollection(spec, task, constitution).collect(run, lm, judge, judgeModel.sha256(), prompts);
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("collect/prompts", (double) prompts.size());
    metrics.putAll(r.metrics());
    List<PreferencePair> pairs = new ArrayList<>();
    long ties = RlCaiMix.appendHelpful(run, policy, r.pairs(), pairs, metrics);
    return finish(run, pairs, ties, metrics);
  }

  private static ValidationException unsupported(ExperimentSpec spec) {
    String source = spec.preferences().source().name().toLowerCase(Locale.ROOT);
    if (spec.preferences().source() == PreferenceSpec.Source.HUMAN) {
      return new ValidationException("preferences.source: human is collected by the pipeline's HumanFeedback"
          + " workflows (activities SampleHumanItems and FinishHumanCollect), not by CollectPreferences");
    }
    return new ValidationException("preferences.source: " + source
        + " is not collected by CollectPreferences; use simulated, dataset, ai or human");
  }

  private static Path existing(String path, String field) {
    Path file = Path.of(path);
    if (!Files.isRegularFile(file)) {
      throw new ValidationException(field + ": no such file: " + file.toAbsolutePath());
    }
    return file;
  }

  private StageResult simulated(StageRun run, ArtifactRef policy) throws IOException {
    ExperimentSpec spec = run.spec();
    Task task = Task.named(spec.task().name());
    List<String> prompts = prompts(run, task);
    SimulatedCollection.Result r;
    try (LanguageModel lm = Models.loadLanguageModel(run, policy, "policy")) {
      r = new SimulatedCollection(spec, task).collect(run, lm, prompts);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("collect/prompts", (double) prompts.size());
    metrics.put("collect/mean_oracle_score", r.meanOracleScore());
    return finish(run, r.pairs(), r.skippedTies(), metrics);
  }

  /** The task's train prompts, or the first {@code preferences.prompts} of data.prompt_dataset. */
  static List<String> prompts(StageRun run, Task task) {
    ExperimentSpec spec = run.spec();
    int n = spec.preferences().prompts();
    if (spec.data().promptDataset() == null) {
      return task.prompts("train", n, Seeds.derive(spec.seed(), "collect", "prompts"));
    }
    Path path = run.file("data.prompt_dataset");
    List<String> all = Datasets.prompts(path).stream().map(Prompt::prompt).toList();
    if (all.isEmpty()) {
      throw new ValidationException("data.prompt_dataset: " + path + " has no prompts");
    }
    return all.subList(0, Math.min(n, all.size()));
  }

  /**
   * Pairs read from the file. Pairs whose chosen and rejected texts are identical say nothing
   * about preference (the Bradley–Terry loss is constant on them) and are dropped as ties.
   */
  private StageResult fromDataset(StageRun run, Path file) throws IOException {
    List<PreferencePair> read = Datasets.preferences(file, run.spec().preferences().datasetFormat());
    List<PreferencePair> pairs = new ArrayList<>();
    for (PreferencePair p : read) {
      if (!p.chosen().equals(p.rejected())) {
        pairs.add(p);
      }
    }
    if (run.spec().preferences().ai().constitution() != null) {
      constitution(run.spec()).requireIds(pairs.stream().map(PreferencePair::principle).toList(),
          "data.preference_dataset " + file);
    }
    if (pairs.isEmpty()) {
      throw new ValidationException("data.preference_dataset: " + file + " has no usable pairs ("
          + read.size() + " read, all ties or none)");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("collect/prompts", (double) new HashSet<>(pairs.stream().map(PreferencePair::prompt).toList()).size());
    return finish(run, pairs, read.size() - pairs.size(), metrics);
  }

  static StageResult finish(StageRun run, List<PreferencePair> pairs, long ties,
      Map<String, Double> metrics) throws IOException {
    Path file = run.workDir("out").resolve("preferences.arrow");
    ArrowDatasets.writePreferences(file, pairs);
    ArtifactRef ref = run.services().store().put(file);
    metrics.put("collect/pairs", (double) pairs.size());
    metrics.put("collect/skipped_ties", (double) ties);
    run.checkFinite(0, metrics);
    metrics.forEach((k, v) -> run.metric(k, v, 0));
    return run.complete(Map.of(CollectResult.PREFERENCES, ref), metrics);
  }
}
