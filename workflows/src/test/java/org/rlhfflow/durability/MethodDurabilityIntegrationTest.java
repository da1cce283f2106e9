package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.durability.CrashProbe.Crash;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.MinioArtifactStore;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * Issue 13's durability bar on the real stack: kill -9 of the worker in the DPO and in the GRPO
 * stage ends with the weights of an uninterrupted run, as {@link DurabilityIntegrationTest} shows
 * for SFT, RM and PPO.
 */
@Tag("integration")
class MethodDurabilityIntegrationTest {
  private static final long SEED = 17;

  @TempDir Path tmp;
  private final List<WorkerProcess> workers = new ArrayList<>();
  private final List<WorkflowStub> started = new ArrayList<>();

  @AfterEach
  void cleanUp() throws InterruptedException {
    for (WorkerProcess w : workers) {
      w.close();
    }
    for (WorkflowStub stub : started) {
      try {
        stub.terminate("test finished");
      } catch (RuntimeException alreadyClosed) {
        // completed or failed: nothing to clean up
      }
    }
  }

  @Test
  void killingTheWorkerInDpoEndsWithTheUninterruptedWeights() throws Exception {
    crashOnce("durability-dpo.yaml", "dpo", "Dpo", 32);
  }

  @Test
  void killingTheWorkerInGrpoEndsWithTheUninterruptedWeights() throws Exception {
    crashOnce("durability-grpo.yaml", "grpo", "Grpo", 8);
  }

  @Test
  void killingTheWorkerInSlCaiEndsWithTheUninterruptedChains() throws Exception {
    crashOnce("durability-cai.yaml", "sl_cai", "SlCai", 1); // a checkpoint after every batch of chains
  }

  private void crashOnce(String spec, String stage, String activityType, int checkpointEvery) throws Exception {
    try (DurabilityStack stack = new DurabilityStack()) {
      String baselineQueue = DurabilityStack.unique("dur-" + stage + "-baseline");
      Map<String, String> expected;
      try (WorkerProcess w = WorkerProcess.start(tmp.resolve("baseline"), baselineQueue, Map.of())) {
        expected = weights(stack, await(start(stack, spec, baselineQueue)), stage);
      }
      String queue = DurabilityStack.unique("dur-" + stage + "-crash");
      WorkerProcess[] current = {worker(tmp.resolve("worker-0"), queue)};
      WorkflowStub stub = start(stack, spec, queue);
      Crash crash = new CrashProbe(stack, queue).crash(stage, activityType, checkpointEvery, current[0],
          () -> current[0] = worker(tmp.resolve("worker-1"), queue));
      PipelineResult result = await(stub);
      System.out.println(crash.line());
      assertEquals(expected, weights(stack, result, stage), "final weights after kill -9 in " + stage);
    }
  }

  private WorkflowStub start(DurabilityStack stack, String spec, String queue) throws Exception {
    WorkflowStub stub = stack.start(spec, queue, queue, SEED, List.of("all"));
    started.add(stub);
    return stub;
  }

  private WorkerProcess worker(Path home, String queue) throws Exception {
    WorkerProcess w = WorkerProcess.start(home, queue, Map.of());
    workers.add(w);
    return w;
  }

  private static PipelineResult await(WorkflowStub stub) throws Exception {
    return stub.getResult(20, TimeUnit.MINUTES, PipelineResult.class);
  }

  /**
   * sha256 of every weights file of the SFT and the method's checkpoints (not the index: it names the
   * spec); for sl_cai, which makes no weights, its chains and fine-tuning data and SL-CAI's weights.
   */
  private Map<String, String> weights(DurabilityStack stack, PipelineResult result, String stage) throws Exception {
    Map<String, String> shas = new TreeMap<>();
    if (stage.equals("sl_cai")) {
      for (String out : List.of("chains", "sft_data")) {
        shas.put("sl_cai/" + out, result.stages().get("sl_cai").output(out).sha256());
      }
      stage = "sl_cai_sft";
    }
    Path dir = Files.createTempDirectory(tmp, "index");
    try (MinioArtifactStore store = stack.store()) {
      for (String s : List.of("sft", stage)) {
        ArtifactRef index = result.stages().get(s).output("checkpoint");
        JsonNode files = new ObjectMapper().readTree(store.get(index, dir.resolve(index.sha256())).toFile()).path("files");
        files.fields().forEachRemaining(f -> {
          if (f.getKey().endsWith(".safetensors")) {
            shas.put(s + "/" + f.getKey(), f.getValue().path("sha256").asText());
          }
        });
      }
    }
    assertFalse(shas.isEmpty(), "no weights file in the checkpoints");
    return shas;
  }
}
