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
 * experiments/qwen-tiny-ppo.yaml end to end, as `./rlhf demo` runs it: every stage on the tiny
 * random Qwen2 fixture and its BPE tokenizer. Its numbers are meaningless (random weights), so
 * this checks that the Llama-family path completes with finite metrics, not what it learns.
 * About 35 s on an idle 2-core machine.
 */
@Tag("slow")
class QwenTinyPipelineTest {
  private static final String FIXTURE = "model/src/test/resources/hf-tiny-qwen2";

  @Test
  void thePipelineCompletesOnTheQwen2Fixture(@TempDir Path tmp) throws Exception {
    Path root = Path.of(System.getProperty("rlhf.repo.root", "..")).toAbsolutePath().normalize();
    Path spec = root.resolve("experiments/qwen-tiny-ppo.yaml");
    // the spec names the fixture relative to the repository root, where `./rlhf demo` runs
    String yaml = Files.readString(spec).replace(FIXTURE, root.resolve(FIXTURE).toString());
    try (StageServices services = new StageServices(new LocalArtifactStore(tmp.resolve("artifacts")),
            new LocalTracker(tmp.resolve("metrics")), tmp.resolve("scratch"));
        EmbeddedTemporal temporal = new EmbeddedTemporal(services)) {
      WorkflowClient client = temporal.client();
      RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(RlhfConfig.CPU_QUEUE).setWorkflowId("qwen-tiny").build());
      PipelineResult r = wf.run(new PipelineInput(spec.toString(), yaml, 0L, List.of()));

      assertEquals("FINISHED", r.summary().get("status"));
      double kl = ((Number) ((Map<?, ?>) r.summary().get("kl_to_ref")).get("ppo")).doubleValue();
      double acc = ((Number) r.summary().get("rm_heldout_accuracy")).doubleValue();
      assertTrue(Double.isFinite(kl) && kl >= 0, "kl_to_ref.ppo " + kl);
      assertTrue(acc >= 0 && acc <= 1, "rm_heldout_accuracy " + acc);
    }
  }
}
