package org.rlhfflow.activities.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.train.CausalLmTraining;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.CorpusTask;
import org.rlhfflow.tasks.Task;

/**
 * Pretraining (Radford et al. 2019, next-token prediction on every token): a fresh model of the
 * spec's preset learns the task's corpus ({@link CorpusTask}) through the same loop as SFT, so it
 * checkpoints, heartbeats and resumes the same way. Outputs {@code checkpoint}, the base model SFT
 * starts from, and {@code corpus}, the documents as Arrow (prompt empty), for lineage.
 */
public final class PretrainActivitiesImpl implements PretrainActivities {
  private final StageServices services;

  public PretrainActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public PretrainResult pretrain(PretrainInput input) {
    return pretrain(input, Hooks.NONE);
  }

  /** As {@link #pretrain(PretrainInput)}, with test seams for resuming (see {@link Hooks}). */
  PretrainResult pretrain(PretrainInput input, Hooks hooks) {
    return PretrainResult.of(StageRun.execute(services, input.ctx(), PretrainStage.DEF, Map.of(), run -> train(run, hooks)));
  }

  private StageResult train(StageRun run, Hooks hooks) throws IOException {
    ExperimentSpec spec = run.spec();
    if (spec.pretrain().epochs() == 0) {
      throw new StageFailures.ValidationException("pretrain.epochs is 0: nothing to train (the pipeline skips it then)");
    }
    if (spec.model().hfCheckpoint() != null) {
      throw new StageFailures.ValidationException(
          "pretrain trains from scratch; unset model.hf_checkpoint or set pretrain.epochs: 0");
    }
    List<SftPair> docs = documents(spec);
    CausalLmTraining.Result r = new CausalLmTraining(run, PretrainStage.NAME, spec.pretrain(), hooks)
        .train(() -> Models.base(spec), docs, CheckpointSpecs.of(run.context()));
    ArtifactRef checkpoint = services.store().putDirectory(r.finalDir());
    Path corpus = run.workDir("out").resolve("corpus.arrow");
    Files.createDirectories(corpus.getParent());
    ArrowDatasets.writeSftPairs(corpus, docs);
    return run.complete(Map.of(PretrainResult.CHECKPOINT, checkpoint, PretrainResult.CORPUS, services.store().put(corpus)),
        Map.of("pretrain/final_loss", r.finalLoss(), "pretrain/steps", (double) r.steps(),
            "pretrain/documents", (double) r.examples()));
  }

  /** The corpus as (empty prompt, document) pairs: the loss then covers every token. */
  static List<SftPair> documents(ExperimentSpec spec) {
    if (!(Task.named(spec.task().name()) instanceof CorpusTask task)) {
      throw new StageFailures.ValidationException("task.name: " + spec.task().name()
          + " has no pretraining corpus; set pretrain.epochs: 0 or use task assistant");
    }
    List<SftPair> out = new ArrayList<>();
    for (String doc : task.corpus(spec.pretrain().documents(), Seeds.derive(spec.seed(), PretrainStage.NAME, "corpus"),
        spec.pretrain().revisionDocuments())) {
      out.add(new SftPair("", doc));
    }
    return out;
  }
}
