package org.rlhfflow.activities.sft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.train.CausalLmTraining;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.model.LanguageModel;
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
    if (run.spec().sft().epochs() == 0) {
      throw new StageFailures.ValidationException("sft.epochs is 0: nothing to train (the pipeline skips SFT then)");
    }
    CausalLmTraining.Result r = new CausalLmTraining(run, SftStage.NAME, run.spec().sft(), hooks)
        .train(() -> startingModel(run, input), data.pairs(), CheckpointSpecs.of(input.ctx()));
    ArtifactRef checkpoint = services.store().putDirectory(r.finalDir());
    ArtifactRef dataset = data.stored() != null ? data.stored() : services.store().put(data.file());
    run.inputs(List.of(ArrowDatasets.input("sft_pairs", dataset, data.file(), "training")));
    return run.complete(Map.of(SftResult.CHECKPOINT, checkpoint, SftResult.DATASET, dataset),
        Map.of("sft/final_loss", r.finalLoss(), "sft/steps", (double) r.steps(), "sft/examples", (double) r.examples()));
  }

  /** The base model, or with {@code model.lora} the base frozen and stored plus fresh adapters. */
  private static LanguageModel startingModel(StageRun run, SftInput input) throws IOException {
    LanguageModel lm = input.baseModel() == null
        ? Models.base(run.spec())
        : Models.loadLanguageModel(run, input.baseModel(), "base_model");
    return LoraModels.adapt(run, lm, input.baseModel(), SftStage.NAME);
  }
}
