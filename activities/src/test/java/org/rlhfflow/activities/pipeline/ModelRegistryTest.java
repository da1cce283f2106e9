package org.rlhfflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tracking.Tracker;

/** What a finished pipeline registers: the PPO policy and the reward model, tagged for lineage. */
class ModelRegistryTest {
  private static final ArtifactRef POLICY = new ArtifactRef("s3://b/sha256/" + "a".repeat(64), "a".repeat(64), 1);
  private static final ArtifactRef RM = new ArtifactRef("s3://b/sha256/" + "b".repeat(64), "b".repeat(64), 1);

  private record Registered(String name, String source, String runId, Map<String, String> tags) {}

  private static final class Recording implements Tracker {
    final List<Registered> registered = new ArrayList<>();

    @Override
    public String registerModelVersion(String name, String source, String runId, Map<String, String> tags) {
      registered.add(new Registered(name, source, runId, tags));
      return "1";
    }

    @Override public String startRun(String e, String n, String p, Map<String, String> t) { return "r"; }
    @Override public void logParams(String r, Map<String, String> p) {}
    @Override public void logMetric(String r, String k, double v, long s) {}
    @Override public void setTags(String r, Map<String, String> t) {}
    @Override public void logArtifact(String r, Path f, String a) {}
    @Override public void endRun(String r, String s) {}
  }

  private static FinishInput finish(String status) {
    StageContext ctx = new StageContext("demo", "wf-7", "parent-run", "{}", "c".repeat(64), List.of());
    return new FinishInput(ctx, Map.of(
        "ppo", new StageResult("ppo", Map.of("checkpoint", POLICY), Map.of(), "k1", false, 1),
        "reward_model", new StageResult("reward_model", Map.of("checkpoint", RM), Map.of(), "k2", false, 1)),
        3, status, null, null);
  }

  @Test
  void aFinishedRunRegistersPolicyAndRewardModelWithTheirTags() {
    Recording t = new Recording();
    Map<String, String> versions = ModelRegistry.register(t, finish("FINISHED"));
    assertEquals(Map.of("demo-policy", "1", "demo-reward-model", "1"), versions);
    Registered policy = t.registered.get(0);
    assertEquals("demo-policy", policy.name());
    assertEquals(POLICY.uri(), policy.source());
    assertEquals("parent-run", policy.runId());
    assertEquals(Map.of("rlhf.artifact_sha256", POLICY.sha256(), "rlhf.spec_sha256", "c".repeat(64),
        "rlhf.workflow_id", "wf-7"), policy.tags());
    assertEquals(RM.sha256(), t.registered.get(1).tags().get("rlhf.artifact_sha256"));
  }

  @Test
  void aFailedRunRegistersNothing() {
    Recording t = new Recording();
    assertTrue(ModelRegistry.register(t, finish("FAILED")).isEmpty());
    assertTrue(t.registered.isEmpty());
  }
}
