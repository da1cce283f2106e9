package org.rlhfflow.activities.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.rm.PreferenceData;
import org.rlhfflow.activities.train.EpochBatches;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.activities.train.TrainingLoop;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.loss.DpoLoss;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.LrSchedule;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;

/**
 * DPO (Rafailov et al. 2023): the SFT policy trained on preference pairs against itself as the
 * frozen reference, with no reward model and no sampling. The reference log-probs are computed
 * once and cached ({@link ReferenceLogps}); training is the shared {@link TrainingLoop}, so
 * checkpoints, heartbeats and bit-exact resume work as for SFT. Outputs {@code checkpoint} (the
 * policy) and {@code reference_logps}.
 */
public final class DpoActivitiesImpl implements DpoActivities {
  private final StageServices services;

  public DpoActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public DpoResult dpo(DpoInput input) {
    return DpoResult.of(dpo(input, Hooks.NONE));
  }

  /** As {@link #dpo(DpoInput)}, with test seams for resuming (see {@link Hooks}). */
  StageResult dpo(DpoInput input, Hooks hooks) {
    PreferenceData data = prepare(input);
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("preferences", data.sha256());
    inputs.put("sft_model", input.sftModel().sha256());
    return StageRun.execute(services, input.ctx(), DpoStage.DEF, inputs, run -> train(run, input, data, hooks));
  }

  private PreferenceData prepare(DpoInput input) {
    try {
      if (input.sftModel() == null) {
        throw new StageFailures.ValidationException("dpo needs the SFT model (it is the initial policy and the reference)");
      }
      ExperimentSpec spec = SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment());
      return PreferenceData.resolve(services, spec, input.preferences());
    } catch (IOException e) {
      var failure = StageFailures.nonRetryable(DpoStage.NAME, e);
      throw failure != null ? failure : new UncheckedIOException("preparing the preference pairs", e);
    } catch (RuntimeException e) {
      var failure = StageFailures.nonRetryable(DpoStage.NAME, e);
      throw failure != null ? failure : e;
    }
  }

  private StageResult train(StageRun run, DpoInput input, PreferenceData data, Hooks hooks) throws IOException {
    DpoSpec dpo = run.spec().dpo();
    Optional<Progress> resume = hooks.resumePoint(run);
    try (LanguageModel policy = resume.isPresent()
            ? Models.loadLanguageModel(run, resume.get().checkpoint(), "resume")
            : LoraModels.adapt(run, Models.loadLanguageModel(run, input.sftModel(), "sft"), input.sftModel(),
                DpoStage.NAME);
        AdamW adamw = AdamW.builder().setParameters(policy.parameters()).optWeightDecay(0).build()) {
      if (resume.isPresent()) {
        adamw.restoreState(policy.checkpointExtras());
      }
      int block = policy.config().blockSize();
      String what = input.preferences() != null ? "preferences " + input.preferences().uri()
          : "data.preference_dataset " + run.spec().data().preferenceDataset();
      DpoPairs pairs = new DpoPairs(data.pairs(), policy.tokenizer(), block, what);
      ReferenceLogps ref = ReferenceLogps.load(run, input.sftModel(), data.sha256(), pairs, block, policy);
      EpochBatches batches = new EpochBatches(run.spec().seed(), DpoStage.NAME, pairs.size(), dpo.batchSize());
      long total = (long) dpo.epochs() * batches.stepsPerEpoch();
      LrSchedule schedule = new LrSchedule(dpo.learningRate(), (long) Math.ceil(total * dpo.warmupFraction()), total,
          dpo.minLrRatio());
      String specSha = input.ctx().specSha256();
      TrainingLoop loop = new TrainingLoop(run,
          new TrainingLoop.Config(DpoStage.NAME, total, dpo.checkpointEvery(), dpo.maxGradNorm(), schedule),
          policy.parameters(), adamw, batches, policy.manager(),
          (dir, step, state, optim) -> policy.save(dir, step, specSha, state, optim), hooks);
      DpoStep step = new DpoStep(policy, pairs, ref, dpo);
      double finalLoss = loop.run(resume.isPresent() ? policy.checkpointMeta().step() : 0L,
          resume.isPresent() ? policy.checkpointMeta().trainingState() : null, step::loss);
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("dpo/final_loss", finalLoss);
      metrics.put("dpo/steps", (double) total);
      metrics.put("dpo/pairs", (double) pairs.size());
      metrics.put("dpo/dropped_pairs", (double) pairs.dropped);
      metrics.put("dpo/reference_reused", ref.reused() ? 1.0 : 0.0);
      metrics.forEach((k, v) -> run.metric(k, v, total));
      Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
      outputs.put("checkpoint", services.store().putDirectory(saveFinal(run, policy, total, specSha)));
      outputs.put("reference_logps", ref.ref());
      LoraModels.putMerged(run, policy, outputs); // with LoRA: the policy merged, a plain checkpoint
      return run.complete(outputs, metrics);
    }
  }

  /** One DPO step: the policy's log-probs of a batch of pairs against the cached reference's. */
  record DpoStep(LanguageModel policy, DpoPairs pairs, ReferenceLogps ref, DpoSpec spec) {
    TrainingLoop.StepLoss loss(int[] rows, NDManager m) {
      DpoLoss loss = new DpoLoss(DpoLoss.Type.valueOf(spec.loss().name()), spec.beta(), spec.labelSmoothing());
      Sequences.Batch b = pairs.batch(rows, m);
      NDArray seq = DpoPairs.sequenceLogps(policy.logits(b.ids(), b.attentionMask()), b); // (2B)
      int n = rows.length;
      NDArray pc = seq.get("0:" + n);
      NDArray pr = seq.get(n + ":");
      NDArray rc = ReferenceLogps.pick(ref.chosen(), rows, m);
      NDArray rr = ReferenceLogps.pick(ref.rejected(), rows, m);
      if (spec.loss() == DpoSpec.Loss.IPO) { // TRL's IPO averages log-probs over the response tokens
        float[][] len = pairs.responseTokens(rows);
        NDArray lc = m.create(len[0]);
        NDArray lr = m.create(len[1]);
        pc = pc.div(lc);
        pr = pr.div(lr);
        rc = rc.div(lc);
        rr = rr.div(lr);
      }
      NDArray target = spec.softLabels() ? m.create(pairs.softTargets(rows, spec.labelSmoothing())) : null;
      DpoLoss.Result r = loss.compute(pc, pr, rc, rr, target);
      Map<String, Double> metrics = new LinkedHashMap<>(r.metrics());
      metrics.remove("dpo/loss"); // the loop logs it
      return new TrainingLoop.StepLoss(r.loss(), metrics);
    }
  }

  private static Path saveFinal(StageRun run, LanguageModel lm, long total, String specSha) throws IOException {
    Path dir = run.workDir("final");
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("stage", DpoStage.NAME);
    state.put("steps", total);
    lm.save(dir, total, specSha, state, null);
    return dir;
  }
}
