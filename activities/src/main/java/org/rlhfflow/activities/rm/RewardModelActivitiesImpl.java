package org.rlhfflow.activities.rm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.Models;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.spec.LoraSpec;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.PreferenceSpec;
import org.rlhfflow.activities.rm.RewardModelActivities;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelSpec;
import org.rlhfflow.activities.train.EpochBatches;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.TrainingCheckpoints;
import org.rlhfflow.activities.train.TrainingLoop;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.CheckpointMeta;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.LrSchedule;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.Task;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * Reward model (Ouyang et al. 2022, step 2): the SFT model's trunk plus a fresh scalar head,
 * trained with the Bradley–Terry pairwise loss on a split of the pairs by prompt, then scored on
 * the held-out prompts and, when the spec names one, on a separate test file ({@link PreferenceTestSplit}). Outputs {@code checkpoint} (a {@link ScalarHeadModel} of kind reward).
 */
public final class RewardModelActivitiesImpl implements RewardModelActivities {
  private final StageServices services;

  public RewardModelActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public RewardModelResult trainRewardModel(RewardModelInput input) {
    return trainRewardModel(input, Hooks.NONE);
  }

  /** As {@link #trainRewardModel(RewardModelInput)}, with test seams for resuming. */
  RewardModelResult trainRewardModel(RewardModelInput input, Hooks hooks) {
    PreferenceData data = StageRun.heartbeating(RewardModelStage.NAME, () -> prepare(input));
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("preferences", data.sha256());
    if (input.sftModel() != null) {
      inputs.put("sft_model", input.sftModel().sha256());
    }
    if (input.initialModel() != null) { // a later iterated-RLHF round: its own cache key
      inputs.put("initial_model", input.initialModel().sha256());
    }
    return RewardModelResult.of(
        StageRun.execute(services, input.ctx(), RewardModelStage.DEF, inputs, run -> train(run, input, data, hooks)));
  }

  private PreferenceData prepare(RewardModelInput input) {
    try {
      ExperimentSpec spec = SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment());
      PreferenceData data = PreferenceData.resolve(services, spec, input.preferences());
      if (input.earlierPreferences() == null || input.earlierPreferences().isEmpty()) {
        return data;
      }
      List<PreferenceData> all = new java.util.ArrayList<>();
      for (ArtifactRef earlier : input.earlierPreferences()) {
        all.add(PreferenceData.resolve(services, spec, earlier));
      }
      all.add(data);
      return PreferenceData.concat(all);
    } catch (IOException e) {
      var failure = StageFailures.nonRetryable(RewardModelStage.NAME, e); // a corrupt blob stays corrupt
      throw failure != null ? failure : new UncheckedIOException("preparing the preference pairs", e);
    } catch (RuntimeException e) {
      var failure = StageFailures.nonRetryable(RewardModelStage.NAME, e);
      throw failure != null ? failure : e;
    }
  }

  private StageResult train(StageRun run, RewardModelInput input, PreferenceData data, Hooks hooks)
      throws IOException {
    ExperimentSpec spec = run.spec();
    RewardModelSpec rms = spec.rewardModel();
    PreferenceSplit split = PreferenceSplit.of(data.pairs(), rms.heldoutFraction(), spec.seed());
    if (split.train().isEmpty()) {
      throw new StageFailures.ValidationException("reward_model.heldout_fraction " + rms.heldoutFraction()
          + " leaves no training pairs of " + data.pairs().size());
    }
    PreferenceTestSplit test = PreferenceTestSplit.read(run, split.train()); // bad file: fail before training
    run.inputs(test == null ? List.of(data.input()) : List.of(data.input(), test.input()));
    Optional<Progress> resume = hooks.resumePoint(run);
    Path resumeDir = resume.isPresent() ? Models.fetch(run, resume.get().checkpoint(), "resume") : null;
    try (ScalarHeadModel rm = resumeDir != null ? ScalarHeadModel.load(resumeDir, LoraModels.resolver(run))
            : startingModel(run, input);
        AdamW adamw = AdamW.builder().setParameters(rm.trainableParameters()).optWeightDecay(0).build()) {
      JsonNode resumedState = null;
      long startStep = 0;
      if (resumeDir != null) {
        adamw.restoreState(TrainingCheckpoints.extras(resumeDir, rm.manager()));
        CheckpointMeta meta = Checkpoint.readMeta(resumeDir);
        resumedState = meta.trainingState();
        startStep = meta.step(); // not the heartbeat's step, which may be past the checkpoint
      }
      PairBatches train = new PairBatches(split.train(), rm);
      EpochBatches batches = new EpochBatches(spec.seed(), RewardModelStage.NAME, train.size(), rms.batchSize());
      long total = (long) rms.epochs() * batches.stepsPerEpoch();
      LrSchedule schedule = new LrSchedule(rms.learningRate(), (long) Math.ceil(total * rms.warmupFraction()), total,
          rms.minLrRatio());
      SpecStamp specStamp = CheckpointSpecs.of(input.ctx());
      TrainingLoop loop = new TrainingLoop(run,
          new TrainingLoop.Config("rm", total, rms.checkpointEvery(), rms.maxGradNorm(), schedule),
          rm.trainableParameters(), adamw, batches, rm.manager(),
          (dir, step, state, optim) -> rm.save(dir, step, specStamp, state, optim), hooks);
      RewardStep step = new RewardStep(rm, train, rms);
      double finalLoss = loop.run(startStep, resumedState, step::loss);
      HeldoutEval.Result heldout = HeldoutEval.evaluate(rm, new PairBatches(split.heldout(), rm), oracle(spec),
          "rm/heldout", axes(spec));
      Map<String, Double> metrics = new HashMap<>(heldout.metrics());
      HeldoutEval.Result tested = null;
      if (test != null) {
        tested = HeldoutEval.evaluate(rm, new PairBatches(test.pairs(), rm), oracle(spec), "rm/test", axes(spec));
        metrics.putAll(tested.metrics());
        metrics.put("rm/test_prompts_seen_in_training", (double) test.promptsSeenInTraining());
      }
      metrics.put("rm/final_loss", finalLoss);
      metrics.put("rm/train_pairs", (double) train.size());
      metrics.put("rm/steps", (double) total);
      metrics.forEach((k, v) -> run.metric(k, v, total));
      Map<String, ArtifactRef> outputs = new java.util.LinkedHashMap<>();
      outputs.put(RewardModelResult.CHECKPOINT, services.store().putDirectory(saveFinal(run, rm, total, specStamp)));
      Map<String, PreferenceMetrics> splits = new java.util.LinkedHashMap<>();
      if (heldout.validation() != null) {
        splits.put("held-out", heldout.validation());
      }
      if (tested != null) {
        splits.put("test", tested.validation());
      }
      if (!splits.isEmpty()) {
        outputs.putAll(validationReport(run, splits));
      }
      return run.complete(outputs, metrics);
    }
  }

  /** The reliability diagram (a line per split) and the validation figures as JSON, logged and stored. */
  private Map<String, ArtifactRef> validationReport(StageRun run, Map<String, PreferenceMetrics> bySplit)
      throws IOException {
    Path dir = run.workDir("validation");
    List<String> splits = List.copyOf(bySplit.keySet());
    List<PreferenceMetrics> figures = List.copyOf(bySplit.values());
    Path png = ReliabilityPlot.render(splits, figures, dir.resolve("rm_reliability.png"));
    Path json = ReliabilityPlot.writeJson(splits, figures, dir.resolve("rm_validation.json"));
    run.artifact(png, RewardModelStage.NAME);
    run.artifact(json, RewardModelStage.NAME);
    return Map.of("reliability", services.store().put(png), "validation", services.store().put(json));
  }

  private static ScalarHeadModel startingModel(StageRun run, RewardModelInput input) throws IOException {
    if (input.initialModel() != null) { // continue from the previous round's RM (Touvron et al. 2023)
      return Models.loadScalarHead(run, input.initialModel(), "initial_model");
    }
    long headSeed = Seeds.derive(run.spec().seed(), RewardModelStage.NAME, "head");
    LoraSpec lora = run.spec().model().lora();
    try (LanguageModel lm = input.sftModel() == null
        ? Models.base(run.spec())
        : Models.loadLanguageModel(run, input.sftModel(), "sft_model")) {
      // With LoRA: the SFT model (its adapters folded in) stored as the base; adapters and the head train.
      LoraCheckpoint.Base base = lora == null ? null : LoraModels.storeBase(run, lm, input.sftModel());
      ScalarHeadModel rm = ScalarHeadModel.fromLanguageModel(ScalarHeadModel.Kind.REWARD, lm, headSeed); // copies the trunk
      if (lora != null) {
        rm.attachLora(lora.config(), LoraModels.seed(run, RewardModelStage.NAME), base);
      }
      return rm;
    }
  }

  /** The task's oracle when the pairs were labelled from it (simulated preferences), else null. */
  /** The assistant world, whose oracle scores harmlessness apart (for RL-CAI's per-axis accuracy), else null. */
  static AssistantTask axes(ExperimentSpec spec) {
    return AssistantTask.NAME.equals(spec.task().name()) && Task.named(spec.task().name()) instanceof AssistantTask a
        ? a : null;
  }

  static Task oracle(ExperimentSpec spec) {
    if (spec.preferences().source() != PreferenceSpec.Source.SIMULATED) {
      return null;
    }
    try {
      return Task.named(spec.task().name());
    } catch (IllegalArgumentException e) {
      return null; // not a built-in task: no oracle to compare with
    }
  }

  private static Path saveFinal(StageRun run, ScalarHeadModel rm, long total, SpecStamp specStamp) throws IOException {
    Path dir = run.workDir("final");
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("stage", RewardModelStage.NAME);
    state.put("steps", total);
    rm.save(dir, total, specStamp, state, null);
    return dir;
  }
}
