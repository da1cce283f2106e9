package org.rlhfflow.activities.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tracking.MlflowTracker;
import org.rlhfflow.tracking.Tracker;

/**
 * Registers a finished pipeline's final policy and reward model as registered-model versions
 * ({@code <experiment>-policy}, {@code <experiment>-reward-model}), each linked to the pipeline run
 * and tagged with its checkpoint's sha256, the spec's sha256 and the workflow id, so the Models
 * column leads from a run to its checkpoint and back.
 */
final class ModelRegistry {
  static final String SPEC_SHA_TAG = "rlhf.spec_sha256";
  static final String WORKFLOW_TAG = "rlhf.workflow_id";

  private ModelRegistry() {}

  /** Registered model name to version, for what the pipeline produced; empty if nothing to register. */
  static Map<String, String> register(Tracker tracker, FinishInput in) {
    Map<String, String> versions = new LinkedHashMap<>();
    if (!"FINISHED".equals(in.status())) {
      return versions; // a failed run's last checkpoint is not a model anyone should deploy
    }
    register(tracker, in, PpoStage.NAME, "policy", versions);
    register(tracker, in, RewardModelStage.NAME, "reward-model", versions);
    return versions;
  }

  private static void register(Tracker tracker, FinishInput in, String stage, String suffix,
      Map<String, String> versions) {
    StageResult r = in.stages().get(stage);
    // With LoRA the checkpoint is adapters on a stored base: register the merged, plain model instead.
    ArtifactRef ckpt = r == null ? null : r.outputs().getOrDefault("merged", r.outputs().get("checkpoint"));
    if (ckpt == null) {
      return;
    }
    String name = in.ctx().experiment() + "-" + suffix;
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(MlflowTracker.ARTIFACT_SHA_TAG, ckpt.sha256());
    tags.put(SPEC_SHA_TAG, in.ctx().specSha256());
    tags.put(WORKFLOW_TAG, in.ctx().workflowId());
    String version = tracker.registerModelVersion(name, ckpt.uri(), in.ctx().parentRunId(), tags);
    if (version != null) {
      versions.put(name, version);
    }
  }
}
