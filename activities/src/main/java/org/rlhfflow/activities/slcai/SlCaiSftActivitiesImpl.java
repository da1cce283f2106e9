package org.rlhfflow.activities.slcai;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.train.CausalLmTraining;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.store.ArtifactRef;

/**
 * SL-CAI's fine-tuning (Bai et al. 2022, sec. 3.1): the helpful-only model trained on (prompt,
 * final revision) pairs and the helpful mix, with the {@code sft} section's settings, through the
 * same loop as SFT (checkpoints, heartbeats, bit-identical resume). Outputs {@code checkpoint}, the
 * SL-CAI model.
 */
public final class SlCaiSftActivitiesImpl implements SlCaiSftActivities {
  private final StageServices services;

  public SlCaiSftActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public SlCaiSftResult finetune(SlCaiSftInput input) {
    return finetune(input, Hooks.NONE);
  }

  SlCaiSftResult finetune(SlCaiSftInput input, Hooks hooks) {
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("base_model", input.baseModel().sha256());
    inputs.put("dataset", input.dataset().sha256());
    return SlCaiSftResult.of(StageRun.execute(services, input.ctx(), SlCaiStages.SFT_DEF, inputs, run -> train(run, input, hooks)));
  }

  private StageResult train(StageRun run, SlCaiSftInput input, Hooks hooks) throws IOException {
    Path dir = run.workDir("inputs");
    Files.createDirectories(dir);
    Path file = services.store().get(input.dataset(), dir.resolve(input.dataset().sha256() + ".arrow"));
    List<SftPair> pairs = ArrowDatasets.readSftPairs(file);
    if (pairs.isEmpty()) {
      throw new ValidationException("sl_cai_sft: the sl_cai stage wrote no fine-tuning pairs");
    }
    CausalLmTraining.Result r = new CausalLmTraining(run, SlCaiStages.SFT_DEF.name(), run.spec().sft(), hooks)
        .train(() -> Models.loadLanguageModel(run, input.baseModel(), "base_model"), pairs, CheckpointSpecs.of(input.ctx()));
    ArtifactRef checkpoint = services.store().putDirectory(r.finalDir());
    run.inputs(List.of(ArrowDatasets.input("sl_cai_pairs", input.dataset(), file, "training")));
    return run.complete(Map.of(SlCaiSftResult.CHECKPOINT, checkpoint),
        Map.of("sl_cai_sft/final_loss", r.finalLoss(), "sl_cai_sft/steps", (double) r.steps(),
            "sl_cai_sft/examples", (double) r.examples()));
  }
}
