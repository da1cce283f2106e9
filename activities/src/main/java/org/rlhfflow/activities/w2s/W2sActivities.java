package org.rlhfflow.activities.w2s;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * The weak-to-strong workflow's activities: plan the sweep, make one seed's splits, train one
 * classifier, write the report. One record in, one record out; payloads carry references only.
 */
@ActivityInterface
public interface W2sActivities {

  /**
   * @param specPath the experiment YAML as the worker sees it
   * @param specYaml the YAML text itself, used when specPath is null
   * @param seed overrides the spec's seed when not null
   */
  record PlanInput(String specPath, String specYaml, Long seed) {}

  /**
   * The resolved sweep.
   *
   * @param seeds data and initialisation seeds, one sweep each
   * @param losses student losses to run: xent, logconf or both
   * @param bootstrap the bootstrapping chain, empty when off
   * @param params parameter count of every model named, for ordering and the size axis
   * @param warnings pairs run although the strong model is not larger than the weak one
   * @param heartbeatTimeoutS of the training runs, from resources (resources.stages.w2s_train overrides)
   * @param pretrain the presets to pretrain before fine-tuning (w2s.pretrain), empty when off; null in
   *     histories from before pretraining existed
   */
  record Plan(String experiment, String specJson, String specSha256, List<Long> seeds, List<String> weak,
      List<String> strong, List<String> losses, List<String> bootstrap, String queue, Map<String, Long> params,
      List<String> warnings, double heartbeatTimeoutS, List<String> pretrain) {

    public Plan(String experiment, String specJson, String specSha256, List<Long> seeds, List<String> weak,
        List<String> strong, List<String> losses, List<String> bootstrap, String queue, Map<String, Long> params,
        List<String> warnings, double heartbeatTimeoutS) {
      this(experiment, specJson, specSha256, seeds, weak, strong, losses, bootstrap, queue, params, warnings,
          heartbeatTimeoutS, List.of());
    }

    /** The presets to pretrain; none for a plan recorded before pretraining existed. */
    public List<String> pretrainedModels() {
      return pretrain == null ? List.of() : pretrain;
    }
  }

  /** One model's pretraining, once per sweep: the corpus comes from the spec seed. */
  record PretrainInput(StageContext ctx, String model) {}

  /** @param checkpoint the pretrained language model, which every run of this model fine-tunes */
  record PretrainResult(String model, ArtifactRef checkpoint, boolean reused, double wallSeconds,
      Map<String, Double> metrics) {}

  record DataInput(StageContext ctx, long seed) {}

  /** One seed's splits as JSONL artifacts of {@code {"text", "label"}} rows. */
  record DataResult(long seed, ArtifactRef train1, ArtifactRef train2, ArtifactRef test, Map<String, Double> metrics) {}

  /**
   * One training run.
   *
   * @param role weak (train1, ground truth), ceiling (train2, ground truth), student (train2, weak
   *     labels) or bootstrap (train2, the previous chain model's labels)
   * @param model a preset name or a Hugging Face GPT-2 directory
   * @param softLabels p(label 1) per train row from a supervisor; null trains on ground truth
   * @param loss xent or logconf
   * @param labelTarget rows to label with this model's p(label 1) after training; null for none
   * @param supervisor the model whose labels softLabels are, or null for ground truth
   * @param pretrained the model's pretrained checkpoint (w2s.pretrain), or null to start from the
   *     preset's random weights or the Hugging Face directory's own
   */
  record TrainInput(StageContext ctx, String role, String model, long seed, ArtifactRef train, ArtifactRef softLabels,
      String loss, ArtifactRef test, ArtifactRef labelTarget, String supervisor, ArtifactRef pretrained) {

    public TrainInput(StageContext ctx, String role, String model, long seed, ArtifactRef train,
        ArtifactRef softLabels, String loss, ArtifactRef test, ArtifactRef labelTarget, String supervisor) {
      this(ctx, role, model, seed, train, softLabels, loss, test, labelTarget, supervisor, null);
    }
  }

  /**
   * @param labels p(label 1) on labelTarget (JSON {@code {"p1": [...]}}), or null
   * @param testAccuracy accuracy against the ground truth of the test split
   */
  record TrainResult(String role, String model, long seed, String loss, ArtifactRef checkpoint, ArtifactRef labels,
      double testAccuracy, boolean reused, double wallSeconds, Map<String, Double> metrics, String supervisor) {}

  /**
   * @param status FINISHED, FAILED or KILLED; on failure runs may be partial
   */
  record ReportInput(StageContext ctx, Plan plan, List<TrainResult> runs, double wallSeconds, String status,
      String message, List<PretrainResult> pretrained) {

    public ReportInput(StageContext ctx, Plan plan, List<TrainResult> runs, double wallSeconds, String status,
        String message) {
      this(ctx, plan, runs, wallSeconds, status, message, List.of());
    }
  }

  /** summary.json's figures, summary.json itself and the report directory (table and plots). */
  record ReportResult(Map<String, Object> summary, ArtifactRef summaryJson, ArtifactRef report) {}

  @ActivityMethod(name = "W2sPlan")
  Plan plan(PlanInput input);

  @ActivityMethod(name = "W2sData")
  DataResult data(DataInput input);

  @ActivityMethod(name = "W2sPretrain")
  PretrainResult pretrain(PretrainInput input);

  @ActivityMethod(name = "W2sTrain")
  TrainResult train(TrainInput input);

  @ActivityMethod(name = "W2sReport")
  ReportResult report(ReportInput input);
}
