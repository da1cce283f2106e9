package org.rlhfflow.activities.collect;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.feedback.Principle;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.StageManifest;
import org.rlhfflow.tasks.Task;

/**
 * The fanned-out AI collect: three kinds of cached runs of the {@code collect} stage, told apart by
 * a {@code phase} input (sampling, one per shard) and the merge, which has the stage's own key.
 */
public final class AiCollectActivitiesImpl implements AiCollectActivities {
  static final String COMPARISONS = "comparisons";
  static final String VERDICTS = "verdicts";

  private final StageServices services;

  public AiCollectActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public AiComparisons sampleComparisons(CollectInput input) {
    ExperimentSpec spec = validated(input, () -> spec(input));
    Map<String, String> stageInputs = validated(input, () -> CollectPreferencesActivitiesImpl.cacheInputs(spec, input));
    Optional<StageResult> done = finished(spec, input, stageInputs);
    if (done.isPresent()) {
      return new AiComparisons(done.get(), null, 0, List.of(), null);
    }
    Map<String, String> inputs = new LinkedHashMap<>(stageInputs);
    inputs.put("phase", "ai-comparisons");
    StageResult r = StageRun.execute(services, input.ctx(), CollectStage.DEF, CollectStage.NAME + "/sample", inputs,
        run -> sample(run, input));
    int count = r.metrics().get("collect/ai/comparisons").intValue();
    int batches = r.metrics().get("collect/ai/batches").intValue();
    return new AiComparisons(null, r.output(COMPARISONS), count, shards(spec, batches), r);
  }

  /** The judge is loaded and its option tokens checked before the policy samples anything. */
  private StageResult sample(StageRun run, CollectInput input) throws IOException {
    ExperimentSpec spec = run.spec();
    Task task = Task.named(spec.task().name());
    Constitution constitution = CollectPreferencesActivitiesImpl.constitution(spec);
    try (LanguageModel judgeLm = CollectPreferencesActivitiesImpl.judgeModel(spec, input).load(run)) {
      judge(judgeLm, constitution, spec);
    }
    List<String> prompts = RlCaiMix.aiPrompts(run, task);
    List<Judge.Comparison> comparisons;
    try (LanguageModel lm = Models.loadLanguageModel(run, input.policy(), "policy")) {
      comparisons = new AiCollection(spec, task, constitution).comparisons(lm, prompts);
    }
    Path file = run.workDir("out").resolve("comparisons.json");
    ComparisonFiles.writeComparisons(file, comparisons);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("collect/prompts", (double) prompts.size());
    metrics.put("collect/ai/comparisons", (double) comparisons.size());
    metrics.put("collect/ai/batches", (double) Judge.batches(comparisons, spec.preferences().ai().batchSize()).size());
    return run.complete(Map.of(COMPARISONS, services.store().put(file)), metrics);
  }

  /** {@code preferences.ai.shards} contiguous runs of batches, fewer when there are fewer batches. */
  static List<JudgeShard> shards(ExperimentSpec spec, int batches) {
    List<JudgeShard> out = new ArrayList<>();
    if (batches == 0) {
      return out;
    }
    int n = AiCollection.shardCount(spec, batches);
    for (int s = 0; s < n; s++) {
      int from = (int) ((long) batches * s / n);
      int to = (int) ((long) batches * (s + 1) / n);
      out.add(new JudgeShard(s, from, to - from));
    }
    return out;
  }

  @Override
  public ShardResult judgeShard(ShardInput input) {
    CollectInput collect = input.collect();
    ExperimentSpec spec = validated(collect, () -> spec(collect));
    JudgeModel judgeModel = validated(collect, () -> CollectPreferencesActivitiesImpl.judgeModel(spec, collect));
    Constitution constitution = validated(collect, () -> CollectPreferencesActivitiesImpl.constitution(spec));
    JudgeShard shard = input.shard();
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("phase", "judge-shard");
    inputs.put("comparisons", input.comparisons().comparisons().sha256());
    inputs.put("judge", judgeModel.sha256());
    inputs.put("constitution", constitution.sha256());
    inputs.put("batches", shard.firstBatch() + "+" + shard.batches()); // what it labels, not how many shards
    if (RlCaiMix.byCritique(spec)) { // absent, every other shard's key is as it was
      inputs.put("judge_by", "critique");
      inputs.put("ensemble", RlCaiMix.ensemble(spec, constitution).stream().map(Principle::id).toList().toString());
    }
    StageResult r = StageRun.execute(services, collect.ctx(), CollectStage.DEF,
        CollectStage.NAME + "/judge-" + shard.index(), inputs,
        run -> new ShardLabelling(run, input.comparisons().comparisons(), shard).label(judgeModel, constitution));
    return new ShardResult(shard.index(), r.output(VERDICTS),
        r.metrics().get("collect/ai/shard_comparisons").intValue(), r.wallSeconds());
  }

  @Override
  public StageResult finishAiCollect(FinishAiInput input) {
    CollectInput collect = input.collect();
    ExperimentSpec spec = validated(collect, () -> spec(collect));
    Map<String, String> inputs = validated(collect, () -> CollectPreferencesActivitiesImpl.cacheInputs(spec, collect));
    return StageRun.execute(services, collect.ctx(), CollectStage.DEF, inputs, run -> merge(run, input));
  }

  private StageResult merge(StageRun run, FinishAiInput input) throws IOException {
    ExperimentSpec spec = run.spec();
    Task task = Task.named(spec.task().name());
    Constitution constitution = CollectPreferencesActivitiesImpl.constitution(spec);
    JudgeModel judgeModel = CollectPreferencesActivitiesImpl.judgeModel(spec, input.collect());
    List<Judge.Comparison> comparisons =
        ComparisonFiles.readComparisons(fetch(run, input.comparisons().comparisons()), constitution);
    Judge.Verdict[] verdicts = new Judge.Verdict[comparisons.size()];
    double workerSeconds = 0;
    for (ShardResult s : input.shards()) {
      for (ComparisonFiles.StoredVerdict v : ComparisonFiles.readVerdicts(fetch(run, s.verdicts()))) {
        verdicts[v.index()] = ComparisonFiles.verdict(v);
      }
      workerSeconds += s.wallSeconds();
    }
    for (int i = 0; i < verdicts.length; i++) {
      if (verdicts[i] == null) {
        throw new IllegalStateException("comparison " + i + " has no verdict in the " + input.shards().size() + " shards");
      }
    }
    List<Judge.Verdict> all = List.of(verdicts);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("collect/prompts", input.comparisons().sampling().metrics().get("collect/prompts"));
    metrics.putAll(AiCollection.metrics(task, comparisons, all, input.labelSeconds()));
    metrics.put("collect/ai/shards", (double) input.shards().size());
    metrics.put("collect/ai/label_wall_s", input.labelSeconds());
    metrics.put("collect/ai/judge_worker_s", workerSeconds);
    List<PreferencePair> pairs = new ArrayList<>();
    long ties = RlCaiMix.appendHelpful(run, input.collect().policy(), AiCollection.pairs(comparisons, all,
        judgeModel.sha256()), pairs, metrics);
    return CollectPreferencesActivitiesImpl.finish(run, pairs, ties, metrics);
  }

  /** A completed collect run with the stage's documented key, unless the stage is forced. */
  private Optional<StageResult> finished(ExperimentSpec spec, CollectInput input, Map<String, String> stageInputs) {
    if (input.ctx().forced(CollectStage.NAME)) {
      return Optional.empty();
    }
    String key = StageRun.heartbeating(CollectStage.NAME, () -> StageRun.cacheKey(CollectStage.DEF, spec, stageInputs));
    try {
      return StageManifest.find(services.store(), key).map(m -> new StageResult(CollectStage.NAME, m.outputs(),
          m.metrics(), key, true, m.metrics().getOrDefault(CollectStage.NAME + "/wall_s", 0.0)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("reading the manifest of collect " + key, e); // retried
    }
  }

  /** The judge for {@code spec}, its option tokens checked: a bad one is bad input, not retried. */
  public static Judge judge(LanguageModel lm, Constitution constitution, ExperimentSpec spec) {
    try {
      return new Judge(lm, constitution, spec.preferences().ai(), RlCaiMix.byCritique(spec),
          RlCaiMix.ensemble(spec, constitution));
    } catch (IllegalArgumentException e) {
      throw new ValidationException(e.getMessage());
    }
  }

  /** A stored JSON file fetched (verified) into the run's scratch directory, once per attempt. */
  static Path fetch(StageRun run, ArtifactRef ref) throws IOException {
    Path file = run.workDir("in").resolve(ref.sha256() + ".json");
    if (!Files.exists(file)) {
      Path part = file.resolveSibling(file.getFileName() + ".part"); // a killed download leaves no file
      run.services().store().get(ref, part);
      Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  private static ExperimentSpec spec(CollectInput input) {
    return SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment());
  }

  /** Bad input found before a run opens fails non-retryably, as the collect activity's does. */
  private static <T> T validated(CollectInput input, Supplier<T> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      ApplicationFailure bad = StageFailures.nonRetryable(CollectStage.NAME, e);
      throw bad != null ? bad : e;
    }
  }
}
