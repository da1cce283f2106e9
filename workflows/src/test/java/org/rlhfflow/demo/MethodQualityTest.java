package org.rlhfflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;
import org.rlhfflow.worker.EmbeddedTemporal;
import org.rlhfflow.workflows.RlhfPipelineWorkflow;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * Each method's promise, end to end in-process as {@code ./rlhf demo} runs it, at a seed other than
 * the README's: by the oracle, on held-out prompts, the trained policy beats SFT (the demo's bar:
 * win rate at least 0.65, mean score up by at least 0.15). DPO runs {@code experiments/compare/dpo.yaml}
 * itself; the group methods run shortened copies of their compare specs (test resources
 * {@code methods/*.yaml}) to stay within about 3 minutes each. GRPO's run uses the verifier; GRPO
 * against the reward model over-optimises it at this budget (see the README's comparison) and is
 * compared there, not asserted here.
 */
@Tag("slow")
class MethodQualityTest {
  private static final long SEED = 3;

  @Test
  void dpoBeatsSft(@TempDir Path tmp) throws Exception {
    Path spec = Path.of(System.getProperty("rlhf.repo.root", ".")).resolve("experiments/compare/dpo.yaml");
    check(tmp, "dpo", spec.toString(), Files.readString(spec));
  }

  @Test
  void grpoWithTheVerifierBeatsSft(@TempDir Path tmp) throws Exception {
    check(tmp, "grpo", "methods/grpo.yaml", resource("methods/grpo.yaml"));
  }

  @Test
  void rlooBeatsSft(@TempDir Path tmp) throws Exception {
    check(tmp, "rloo", "methods/rloo.yaml", resource("methods/rloo.yaml"));
  }

  private static String resource(String name) throws Exception {
    try (var in = MethodQualityTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static void check(Path tmp, String method, String path, String yaml) throws Exception {
    try (StageServices services = new StageServices(new LocalArtifactStore(tmp.resolve("artifacts")),
            new LocalTracker(tmp.resolve("metrics")), tmp.resolve("scratch"));
        EmbeddedTemporal temporal = new EmbeddedTemporal(services)) {
      WorkflowClient client = temporal.client();
      RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(RlhfConfig.CPU_QUEUE).setWorkflowId("quality-" + path.replace('/', '-')).build());
      PipelineResult r = wf.run(new PipelineInput(path, yaml, SEED, List.of()));

      assertEquals("FINISHED", r.summary().get("status"));
      assertEquals(method, r.summary().get("method"));
      Map<?, ?> oracle = (Map<?, ?>) r.summary().get("oracle_score");
      double sft = ((Number) oracle.get("sft")).doubleValue();
      double policy = ((Number) oracle.get(method)).doubleValue();
      double winRate = ((Number) r.summary().get(method + "_vs_sft_win_rate")).doubleValue();
      double kl = ((Number) ((Map<?, ?>) r.summary().get("kl_to_ref")).get(method)).doubleValue();
      System.out.printf("METHOD %s seed=%d oracle sft=%.4f %s=%.4f win_rate=%.4f kl=%.3f wall=%s%n", path, SEED, sft,
          method, policy, winRate, kl, r.summary().get("wall_s"));
      assertTrue(winRate >= 0.65, method + " vs SFT win rate " + winRate + " < 0.65");
      assertTrue(policy - sft >= 0.15, "oracle score rose only " + (policy - sft) + " (sft " + sft + ", " + method
          + " " + policy + ")");
    }
  }
}
