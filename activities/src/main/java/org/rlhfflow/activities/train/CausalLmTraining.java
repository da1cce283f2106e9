package org.rlhfflow.activities.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.loss.SftLoss;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.LrSchedule;
import org.rlhfflow.spec.LmTrainingSpec;

/**
 * Next-token training of a language model on {@code [BOS] prompt response [EOS]} sequences, loss
 * on the response and EOS, through {@link TrainingLoop}: what SFT and pretraining share (a
 * pretraining document is a pair with an empty prompt). Resumes from the previous attempt's
 * checkpoint, weights and AdamW moments included.
 *
 * <pre>{@code
 * CausalLmTraining.Result r = new CausalLmTraining(run, "sft", spec.sft(), hooks)
 *     .train(() -> Models.base(spec), pairs, CheckpointSpecs.of(ctx));
 * }</pre>
 */
public final class CausalLmTraining {
  /** Where training starts when there is no checkpoint to resume from. */
  @FunctionalInterface
  public interface StartingModel {
    LanguageModel open() throws IOException;
  }

  /**
   * @param finalDir the model after the last step, weights only
   * @param finalLoss the mean loss over the last epoch
   */
  public record Result(Path finalDir, double finalLoss, long steps, int examples) {}

  private final StageRun run;
  private final String stage;
  private final LmTrainingSpec spec;
  private final Hooks hooks;

  /** @param stage names the metrics ({@code <stage>/loss}) and the batch-order stream */
  public CausalLmTraining(StageRun run, String stage, LmTrainingSpec spec, Hooks hooks) {
    this.run = run;
    this.stage = stage;
    this.spec = spec;
    this.hooks = hooks;
  }

  /** The training sequences, encoded with the model's own tokenizer. */
  @FunctionalInterface
  public interface Encoder {
    List<Sequences.Encoded> encode(LanguageModel lm);
  }

  public Result train(StartingModel start, List<SftPair> pairs, SpecStamp specStamp) throws IOException {
    return train(start, lm -> encode(lm, pairs), specStamp);
  }

  /** As above, on sequences the caller encodes (a layout other than {@code [BOS] prompt response [EOS]}). */
  public Result train(StartingModel start, Encoder encoder, SpecStamp specStamp) throws IOException {
    Optional<Progress> resume = hooks.resumePoint(run);
    try (LanguageModel lm = resume.isPresent()
            ? Models.loadLanguageModel(run, resume.get().checkpoint(), "resume")
            : start.open();
        AdamW adamw = AdamW.builder().setParameters(lm.parameters()).optWeightDecay(spec.weightDecay()).build()) {
      if (resume.isPresent()) {
        adamw.restoreState(lm.checkpointExtras());
      }
      List<Sequences.Encoded> examples = encoder.encode(lm);
      EpochBatches batches = new EpochBatches(run.spec().seed(), stage, examples.size(), spec.batchSize());
      long total = (long) spec.epochs() * batches.stepsPerEpoch();
      LrSchedule schedule = new LrSchedule(spec.learningRate(), Math.min(spec.warmupSteps(), total), total,
          spec.minLrRatio());
      TrainingLoop loop = new TrainingLoop(run,
          new TrainingLoop.Config(stage, total, spec.checkpointEvery(), spec.maxGradNorm(), schedule),
          lm.parameters(), adamw, batches, lm.manager(),
          (dir, step, state, optim) -> lm.save(dir, step, specStamp, state, optim), hooks);
      // The checkpoint's own step, not the heartbeat's: a heartbeat carries the latest step done
      // and the last checkpoint, which may be older.
      double finalLoss = loop.run(resume.isPresent() ? lm.checkpointMeta().step() : 0L,
          resume.isPresent() ? lm.checkpointMeta().trainingState() : null,
          (rows, m) -> new TrainingLoop.StepLoss(loss(lm, examples, rows, m), Map.of()));
      return new Result(saveFinal(lm, total, specStamp), finalLoss, total, examples.size());
    }
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
  private Path saveFinal(LanguageModel lm, long total, SpecStamp specStamp) throws IOException {
    Path dir = run.workDir("final");
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("stage", stage);
    state.put("steps", total);
    lm.save(dir, total, specStamp, state, null);
    return dir;
  }
}
