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
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;
import org.rlhfflow.worker.EmbeddedTemporal;
import org.rlhfflow.workflows.RlhfPipelineWorkflow;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * experiments/qwen-tiny-ppo.yaml and qwen-tiny-dpo.yaml (LoRA, chat template) end to end, as
 * `./rlhf demo` runs them: every stage on the tiny random Qwen2 fixture and its BPE tokenizer.
 * Their numbers are meaningless (random weights), so this checks that the Llama-family path
 * completes with finite metrics, not what it learns. About 35 s and 25 s on an idle 2-core machine.
 */
@Tag("slow")
class QwenTinyPipelineTest {
  private static final String FIXTURE = "model/src/test/resources/hf-tiny-qwen2";

  /** Runs experiments/{@code name}.yaml in an embedded Temporal with local artifacts under {@code tmp}. */
  private static PipelineResult run(String name, Path tmp) throws Exception {
    Path root = Path.of(System.getProperty("rlhf.repo.root", "..")).toAbsolutePath().normalize();
    Path spec = root.resolve("experiments/" + name + ".yaml");
    // the spec names the fixture relative to the repository root, where `./rlhf demo` runs
    String yaml = Files.readString(spec).replace(FIXTURE, root.resolve(FIXTURE).toString());
    try (StageServices services = new StageServices(new LocalArtifactStore(tmp.resolve("artifacts")),
            new LocalTracker(tmp.resolve("metrics")), tmp.resolve("scratch"));
        EmbeddedTemporal temporal = new EmbeddedTemporal(services)) {
      WorkflowClient client = temporal.client();
      RlhfPipelineWorkflow wf = client.newWorkflowStub(RlhfPipelineWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(RlhfConfig.CPU_QUEUE).setWorkflowId(name).build());
      return wf.run(new PipelineInput(spec.toString(), yaml, 0L, List.of()));
    }
  }

  @Test
  void theDpoPipelineWithLoraAndTheChatTemplateCompletes(@TempDir Path tmp) throws Exception {
    PipelineResult r = run("qwen-tiny-dpo", tmp);
    assertEquals("FINISHED", r.summary().get("status"));
    double kl = ((Number) ((Map<?, ?>) r.summary().get("kl_to_ref")).get("dpo")).doubleValue();
    double win = ((Number) r.summary().get("dpo_vs_sft_win_rate")).doubleValue();
    assertTrue(Double.isFinite(kl), "kl_to_ref.dpo " + kl); // a sampled estimate: may dip below 0
    assertTrue(win >= 0 && win <= 1, "dpo_vs_sft_win_rate " + win);
    // SFT and DPO stored adapters, each naming the base it adapts (DPO's: SFT with its adapters merged)
    Path sft = new LocalArtifactStore(tmp.resolve("artifacts"))
        .getDirectory(r.stages().get("sft").output("checkpoint"), tmp.resolve("sft"));
    Path dpo = new LocalArtifactStore(tmp.resolve("artifacts"))
        .getDirectory(r.stages().get("dpo").output("checkpoint"), tmp.resolve("dpo"));
    var sftBase = LoraCheckpoint.read(sft).orElseThrow().base();
    var dpoBase = LoraCheckpoint.read(dpo).orElseThrow().base();
    assertTrue(!sftBase.equals(dpoBase), sftBase + " " + dpoBase);
  }

  @Test
  void thePipelineCompletesOnTheQwen2Fixture(@TempDir Path tmp) throws Exception {
    PipelineResult r = run("qwen-tiny-ppo", tmp);
    assertEquals("FINISHED", r.summary().get("status"));
    double kl = ((Number) ((Map<?, ?>) r.summary().get("kl_to_ref")).get("ppo")).doubleValue();
    double acc = ((Number) r.summary().get("rm_heldout_accuracy")).doubleValue();
    assertTrue(Double.isFinite(kl) && kl >= 0, "kl_to_ref.ppo " + kl);
    assertTrue(acc >= 0 && acc <= 1, "rm_heldout_accuracy " + acc);
  }
}
