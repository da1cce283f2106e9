package org.rlhfflow.activities.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.sft.SftActivities;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.sft.SftSpec;
import org.rlhfflow.activities.train.EpochBatches;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.activities.train.TrainingLoop;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.loss.SftLoss;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.LrSchedule;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;

/**
 * Supervised fine-tuning (Ouyang et al. 2022, step 1): cross-entropy on the response tokens and
 * EOS of {@code [BOS] prompt response [EOS]}, with AdamW, linear warmup then cosine decay, and
 * global-norm clipping. Sequences longer than the block keep the response and lose the start of
 * the prompt (see {@link Sequences}). Outputs {@code checkpoint} (the model after the last step)
 * and {@code dataset} (the pairs it trained on, Arrow, for lineage).
 */
public final class SftActivitiesImpl implements SftActivities {
  private final StageServices services;

  public SftActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public SftResult sft(SftInput input) {
    return sft(input, Hooks.NONE);
  }

  /** As {@link #sft(SftInput)}, with test seams for resuming (see {@link Hooks}). */
  SftResult sft(SftInput input, Hooks hooks) {
    SftData data = StageRun.heartbeating(SftStage.NAME, () -> prepare(input));
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("dataset", data.sha256());
    if (input.baseModel() != null) {
      inputs.put("base_model", input.baseModel().sha256()); // else the model section, in the key already
    }
    return SftResult.of(StageRun.execute(services, input.ctx(), SftStage.DEF, inputs, run -> train(run, input, data, hooks)));
  }

  /** Resolves the dataset before the run exists (its digest is part of the cache key). */
  private SftData prepare(SftInput input) {
    try {
      ExperimentSpec spec = SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment());
      return SftData.resolve(services, spec, input.dataset());
    } catch (IOException e) {
      var failure = StageFailures.nonRetryable(SftStage.NAME, e); // a corrupt blob stays corrupt
      throw failure != null ? failure : new UncheckedIOException("preparing the SFT dataset", e);
    } catch (RuntimeException e) {
      var failure = StageFailures.nonRetryable(SftStage.NAME, e);
      throw failure != null ? failure : e;
    }
  }

  private StageResult train(StageRun run, SftInput input, SftData data, Hooks hooks) throws IOException {
    SftSpec sft = run.spec().sft();
    if (sft.epochs() == 0) {
      throw new StageFailures.ValidationException("sft.epochs is 0: nothing to train (the pipeline skips SFT then)");
    }
    Optional<Progress> resume = hooks.resumePoint(run);
    try (LanguageModel lm = resume.isPresent()
            ? Models.loadLanguageModel(run, resume.get().checkpoint(), "resume")
            : startingModel(run, input);
        AdamW adamw = AdamW.builder().setParameters(lm.parameters()).optWeightDecay(sft.weightDecay()).build()) {
      if (resume.isPresent()) {
        adamw.restoreState(lm.checkpointExtras());
      }
      List<Sequences.Encoded> examples = encode(lm, data.pairs());
      EpochBatches batches = new EpochBatches(run.spec().seed(), SftStage.NAME, examples.size(), sft.batchSize());
      long total = (long) sft.epochs() * batches.stepsPerEpoch();
      LrSchedule schedule = new LrSchedule(sft.learningRate(), Math.min(sft.warmupSteps(), total), total, sft.minLrRatio());
      SpecStamp specStamp = CheckpointSpecs.of(input.ctx());
      TrainingLoop loop = new TrainingLoop(run,
          new TrainingLoop.Config("sft", total, sft.checkpointEvery(), sft.maxGradNorm(), schedule),
          lm.parameters(), adamw, batches, lm.manager(),
          (dir, step, state, optim) -> lm.save(dir, step, specStamp, state, optim), hooks);
      // The checkpoint's own step, not the heartbeat's: a heartbeat carries the latest step done
      // and the last checkpoint, which may be older.
      double finalLoss = loop.run(resume.isPresent() ? lm.checkpointMeta().step() : 0L,
          resume.isPresent() ? lm.checkpointMeta().trainingState() : null,
          (rows, m) -> new TrainingLoop.StepLoss(loss(lm, examples, rows, m), Map.of()));
      ArtifactRef checkpoint = services.store().putDirectory(saveFinal(run, lm, total, specStamp));
      ArtifactRef dataset = data.stored() != null ? data.stored() : services.store().put(data.file());
      run.inputs(List.of(ArrowDatasets.input("sft_pairs", dataset, data.file(), "training")));
      return run.complete(Map.of(SftResult.CHECKPOINT, checkpoint, SftResult.DATASET, dataset),
          Map.of("sft/final_loss", finalLoss, "sft/steps", (double) total, "sft/examples", (double) examples.size()));
    }
  }

  private static LanguageModel startingModel(StageRun run, SftInput input) throws IOException {
    return input.baseModel() == null
        ? Models.base(run.spec())
        : Models.loadLanguageModel(run, input.baseModel(), "base_model");
  }

  static List<Sequences.Encoded> encode(LanguageModel lm, List<SftPair> pairs) {
    List<Sequences.Encoded> out = new ArrayList<>(pairs.size());
    for (SftPair p : pairs) {
      out.add(Sequences.encode(lm.tokenizer(), p.prompt(), p.response(), lm.config().blockSize()));
    }
    return out;
  }

  private static NDArray loss(LanguageModel lm, List<Sequences.Encoded> examples, int[] rows, NDManager m) {
    List<Sequences.Encoded> batch = new ArrayList<>(rows.length);
    for (int r : rows) {
      batch.add(examples.get(r));
    }
    Sequences.Batch b = Sequences.collate(batch, lm.tokenizer().padId(), m);
    return SftLoss.compute(lm.logits(b.ids(), b.attentionMask()), b.ids(), b.responseMask());
  }

  /** The output: weights only (no optimizer state), step = total steps. */
  private static Path saveFinal(StageRun run, LanguageModel lm, long total, SpecStamp specStamp) throws IOException {
    Path dir = run.workDir("final");
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("stage", SftStage.NAME);
    state.put("steps", total);
    lm.save(dir, total, specStamp, state, null);
    return dir;
  }
}
