package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.cli.Rlhf;
import org.rlhfflow.durability.CrashProbe.Crash;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.MinioArtifactStore;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;
import picocli.CommandLine;

/**
 * Issue 5 against the real stack: a pipeline survives kill -9 of its worker in every training
 * stage, a Temporal server restart and a MinIO outage, and a failed run resumes without redoing
 * the stages that completed. Results are compared bit for bit with an uninterrupted run.
 */
@Tag("integration")
class DurabilityIntegrationTest {
  private static final long SEED = 17;
  private static final List<String> TRAINED = List.of(SftStage.NAME, RewardModelStage.NAME, PpoStage.NAME);

  /** sha256 of each training stage's checkpoint output in an uninterrupted run; computed once. */
  private static Map<String, String> baseline;

  @TempDir static Path shared;
  @TempDir Path tmp;
  private final List<WorkerProcess> workers = new ArrayList<>();

  private final List<WorkflowStub> started = new ArrayList<>();

  /** Kills this test's workers, and terminates its workflow if a failed assertion left it running. */
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

  private WorkflowStub start(DurabilityStack stack, String id, List<String> force) throws Exception {
    WorkflowStub stub = stack.start(id, id, SEED, force);
    started.add(stub);
    return stub;
  }

  private WorkerProcess worker(Path home, String queue, Map<String, String> env) throws Exception {
    WorkerProcess w = WorkerProcess.start(home, queue, env);
    workers.add(w);
    return w;
  }

  private static synchronized Map<String, String> baseline(DurabilityStack stack) throws Exception {
    if (baseline == null) {
      String queue = DurabilityStack.unique("dur-baseline");
      try (WorkerProcess w = WorkerProcess.start(shared.resolve("baseline"), queue, Map.of())) {
        baseline = checkpoints(stack, await(stack.start(queue, queue, SEED, List.of("all"))));
      }
      System.out.println("DURABILITY baseline " + baseline);
    }
    return baseline;
  }

  private static PipelineResult await(WorkflowStub stub) throws Exception {
    return stub.getResult(20, TimeUnit.MINUTES, PipelineResult.class);
  }

  /**
   * sha256 of every weights file in each training stage's checkpoint. Not the checkpoint's own
   * digest: its metadata embeds the resolved spec's sha256, and each test's spec names its own queue.
   */
  private static Map<String, String> checkpoints(DurabilityStack stack, PipelineResult result) throws Exception {
    Map<String, String> shas = new TreeMap<>();
    Path dir = Files.createTempDirectory(shared, "index");
    try (MinioArtifactStore store = stack.store()) {
      for (String stage : TRAINED) {
        ArtifactRef index = result.stages().get(stage).output("checkpoint");
        JsonNode files = new ObjectMapper().readTree(store.get(index, dir.resolve(index.sha256())).toFile())
            .path("files");
        files.fields().forEachRemaining(f -> {
          if (f.getKey().endsWith(".safetensors")) {
            shas.put(stage + "/" + f.getKey(), f.getValue().path("sha256").asText());
          }
        });
      }
    }
    assertTrue(shas.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().count() == TRAINED.size(),
        "no weights file in some checkpoint: " + shas);
    return shas;
  }

  @Test
  void killingTheWorkerInEachTrainingStageEndsWithTheUninterruptedWeights() throws Exception {
    try (DurabilityStack stack = new DurabilityStack()) {
      Map<String, String> expected = baseline(stack);
      String queue = DurabilityStack.unique("dur-crash");
      WorkerProcess[] current = {worker(tmp.resolve("worker-0"), queue, Map.of())};
      WorkflowStub stub = start(stack, queue, List.of("all"));
      CrashProbe probe = new CrashProbe(stack, queue);
      List<Crash> crashes = new ArrayList<>();
      // checkpoint_every of each stage, as in durability.yaml
      Object[][] stages = {{SftStage.NAME, "Sft", 16}, {RewardModelStage.NAME, "RewardModel", 16}, {PpoStage.NAME, "Ppo", 8}};
      for (Object[] s : stages) {
        Path home = tmp.resolve("worker-" + (crashes.size() + 1));
        crashes.add(probe.crash((String) s[0], (String) s[1], (Integer) s[2], current[0],
            () -> current[0] = worker(home, queue, Map.of())));
      }
      PipelineResult result = await(stub);
      crashes.forEach(c -> System.out.println(c.line()));
      assertEquals(expected, checkpoints(stack, result), "final weights after three kill -9s");
    }
  }

  @Test
  void aTemporalServerRestartDuringPpoDoesNotStopTheRun() throws Exception {
    try (DurabilityStack stack = new DurabilityStack()) {
      Map<String, String> expected = baseline(stack);
      String queue = DurabilityStack.unique("dur-restart");
      worker(tmp.resolve("worker"), queue, Map.of());
      WorkflowStub stub = start(stack, queue, List.of("all"));
      awaitHeartbeat(stack, queue, "Ppo");
      DurabilityStack.stack("restart", "temporal"); // the dev server keeps its sqlite db
      PipelineResult result = await(stub);
      assertEquals(expected, checkpoints(stack, result));
    }
  }

  @Test
  void aMinioOutageDuringSftLosesNoArtifact() throws Exception {
    try (DurabilityStack stack = new DurabilityStack()) {
      Map<String, String> expected = baseline(stack);
      String queue = DurabilityStack.unique("dur-minio");
      worker(tmp.resolve("worker"), queue, Map.of());
      WorkflowStub stub = start(stack, queue, List.of("all"));
      awaitHeartbeat(stack, queue, "Sft");
      try {
        DurabilityStack.stack("stop", "minio");
        DurabilityStack.sleep(Duration.ofSeconds(10));
      } finally {
        DurabilityStack.stack("start", "minio");
      }
      PipelineResult result = await(stub);
      assertEquals(expected, checkpoints(stack, result));
      List<ArtifactRef> refs = new ArrayList<>(List.of(result.summaryJson()));
      result.stages().values().stream().map(StageResult::outputs).forEach(o -> refs.addAll(o.values()));
      try (MinioArtifactStore store = stack.store()) {
        for (ArtifactRef ref : refs) { // get() checks the digest too; this says which one failed
          Path file = store.get(ref, tmp.resolve("check-" + ref.sha256()));
          assertEquals(ref.sha256(), Sha256.of(file).hex(), ref.toString());
        }
      }
    }
  }

  @Test
  void aRunThatDivergedResumesWithoutRedoingItsCompletedStages() throws Exception {
    try (DurabilityStack stack = new DurabilityStack()) {
      Map<String, String> expected = baseline(stack);
      String queue = DurabilityStack.unique("dur-resume");
      WorkerProcess faulty = worker(tmp.resolve("faulty"), queue, Map.of("RLHF_INJECT_FAULT", "nan:ppo:2"));
      WorkflowStub stub = start(stack, queue, List.of(PpoStage.NAME));
      WorkflowFailedException failed = assertThrows(WorkflowFailedException.class, () -> await(stub));
      ApplicationFailure cause = rootApplicationFailure(failed);
      assertEquals(StageFailures.DIVERGED, cause.getType(), cause.toString());
      assertTrue(cause.isNonRetryable(), cause.toString());
      assertTrue(cause.getOriginalMessage().contains("at step 2"), cause.getOriginalMessage());
      faulty.kill();

      worker(tmp.resolve("fixed"), queue, Map.of()); // the cause is fixed: no fault injected
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(new Rlhf()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out));
      // ppo is forced: the baseline's manifest for the same key would otherwise be reused
      int code = cli.execute("resume", queue, "--force", PpoStage.NAME, "--wait");
      assertEquals(0, code, out.toString());
      Matcher m = Pattern.compile("resumed: +\\S+ -> (\\S+)").matcher(out.toString());
      assertTrue(m.find(), out.toString());
      PipelineResult resumed = stack.client.newUntypedWorkflowStub(m.group(1))
          .getResult(1, TimeUnit.MINUTES, PipelineResult.class);
      for (String s : List.of(CollectStage.NAME, SftStage.NAME, RewardModelStage.NAME)) {
        assertTrue(resumed.stages().get(s).reused(), s + " was recomputed by the resumed run");
      }
      assertFalse(resumed.stages().get(PpoStage.NAME).reused(), "ppo must run again");
      for (JsonNode run : MlflowRuns.of(stack.env.mlflowUri(), "durability", m.group(1))) {
        String stage = MlflowRuns.tag(run, "rlhf.stage");
        assertFalse(stage != null && List.of(CollectStage.NAME, SftStage.NAME, RewardModelStage.NAME).contains(stage),
            "the resumed run opened a new MLflow run for " + stage);
      }
      assertEquals(expected, checkpoints(stack, resumed), "resumed run vs a clean run");
    }
  }

  @Test
  void temporalWorkflowCancelDuringPpoSavesACheckpointAndMarksTheRunsKilled() throws Exception {
    try (DurabilityStack stack = new DurabilityStack()) {
      String queue = DurabilityStack.unique("dur-cancel");
      worker(tmp.resolve("worker"), queue, Map.of());
      WorkflowStub stub = start(stack, queue, List.of(PpoStage.NAME));
      awaitHeartbeat(stack, queue, "Ppo");
      String cli = System.getenv("RLHF_TEMPORAL_CLI");
      assertTrue(cli != null, "RLHF_TEMPORAL_CLI is not set: run this through ./test.sh");
      Process cancel = new ProcessBuilder(cli, "workflow", "cancel", "--workflow-id", queue,
          "--address", stack.env.temporalAddress(), "--namespace", stack.env.namespace())
          .redirectErrorStream(true).start();
      String said = new String(cancel.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, cancel.waitFor(), said);
      WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> await(stub));
      assertInstanceOf(CanceledFailure.class, e.getCause(), e.toString());

      List<JsonNode> runs = MlflowRuns.of(stack.env.mlflowUri(), "durability", queue);
      JsonNode ppo = runs.stream().filter(r -> PpoStage.NAME.equals(MlflowRuns.tag(r, "rlhf.stage"))).findFirst()
          .orElseThrow(() -> new AssertionError("no ppo run among " + runs));
      JsonNode parent = runs.stream().filter(r -> MlflowRuns.tag(r, "mlflow.parentRunId") == null).findFirst()
          .orElseThrow(() -> new AssertionError("no pipeline run among " + runs));
      assertEquals("KILLED", MlflowRuns.status(ppo), ppo.toString());
      assertEquals("KILLED", MlflowRuns.status(parent), parent.toString());
      String saved = MlflowRuns.tag(ppo, "rlhf.cancelled_checkpoint");
      assertTrue(saved != null && !saved.isEmpty(), "no rlhf.cancelled_checkpoint tag on " + ppo);
      try (MinioArtifactStore store = stack.store()) {
        assertTrue(store.exists(saved), "the cancelled checkpoint " + saved + " is not in MinIO");
      }
    }
  }

  private static ApplicationFailure rootApplicationFailure(Throwable e) {
    ApplicationFailure found = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure a) {
        found = a;
      }
    }
    return assertInstanceOf(ApplicationFailure.class, found, "no ApplicationFailure in " + e);
  }

  private static void awaitHeartbeat(DurabilityStack stack, String workflowId, String activityType)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      var p = stack.pending(workflowId);
      if (p.isPresent() && p.get().activityType().equals(activityType) && p.get().progress().isPresent()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no heartbeat of " + activityType + " in " + workflowId);
  }
}
