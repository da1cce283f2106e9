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
 * The demo's promise, checked on the real spec: by the oracle, on held-out prompts, PPO beats SFT
 * (win rate at least 0.65, mean score up by at least 0.15). Runs the whole of experiments/demo.yaml
 * in-process, as `./rlhf demo` does, with a seed other than the default (the README reports seed 0).
 */
@Tag("slow")
class DemoQualityTest {
  @Test
  void ppoBeatsSftByTheOracleOnHeldOutPrompts(@TempDir Path tmp) throws Exception {
    Path spec = Path.of(System.getProperty("rlhf.repo.root", ".")).resolve("experiments/demo.yaml");
    try (StageServices services = new StageServices(new LocalArtifactStore(tmp.resolve("artifacts")),
            new LocalTracker(tmp.resolve("metrics")), tmp.resolve("scratch"));
        EmbeddedTemporal temporal = new EmbeddedTemporal(services)) {
      WorkflowClient client = temporal.client();
      RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(RlhfConfig.CPU_QUEUE).setWorkflowId("demo-quality").build());
      PipelineResult r = wf.run(new PipelineInput(spec.toString(), Files.readString(spec), 3L, List.of()));

      Map<?, ?> oracle = (Map<?, ?>) r.summary().get("oracle_score");
      double sft = ((Number) oracle.get("sft")).doubleValue();
      double ppo = ((Number) oracle.get("ppo")).doubleValue();
      double winRate = ((Number) r.summary().get("ppo_vs_sft_win_rate")).doubleValue();
      System.out.printf("DEMO seed=3 oracle sft=%.4f ppo=%.4f win_rate=%.4f%n", sft, ppo, winRate);
      assertEquals("FINISHED", r.summary().get("status"));
      assertTrue(winRate >= 0.65, "PPO vs SFT win rate " + winRate + " < 0.65");
      assertTrue(ppo - sft >= 0.15, "oracle score rose only " + (ppo - sft) + " (sft " + sft + ", ppo " + ppo + ")");
    }
  }
}
