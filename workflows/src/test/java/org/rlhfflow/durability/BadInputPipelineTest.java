package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.worker.EmbeddedTemporal;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;

/**
 * Bad input sent through the whole pipeline (in-process Temporal, the real activities, a local
 * artifact store): each case fails the workflow at once, non-retryably, with a message naming the
 * file and the field or line, and no stored artifact is overwritten.
 */
class BadInputPipelineTest {
  /** A pipeline small enough to train for real in seconds; each case appends what it breaks. */
  private static final String BASE = String.join("\n",
      "name: bad-input",
      "model:",
      "  preset: nano",
      "task:",
      "  train_prompts: 16",
      "  heldout_prompts: 8",
      "sft:",
      "  epochs: 1",
      "  batch_size: 8",
      "  checkpoint_every: 1",
      "evaluation:",
      "  prompts: 8",
      "preferences:",
      "  responses_per_prompt: 2",
      "  prompts: 8",
      ""); // preferences last: a case may add keys to it

  @TempDir Path home;
  private StageServices services;
  private EmbeddedTemporal temporal;
  private Map<Path, String> blobsBefore;

  @BeforeEach
  void start() throws IOException {
    RlhfConfig config = new RlhfConfig(null, "default", null, null, null, "rlhf-artifacts", null,
        List.of(RlhfConfig.CPU_QUEUE), home.resolve("rlhf"));
    services = StageServices.fromConfig(config);
    temporal = new EmbeddedTemporal(services);
  }

  @AfterEach
  void stop() throws Exception {
    temporal.close();
    services.close();
  }

  @Test
  void malformedYamlNamesTheFileAndLine() throws Exception {
    String message = fails("bad.yaml", BASE + "sft: [1, 2\nppo:\n  iterations: 2\n");
    assertTrue(message.matches("(?s)bad\\.yaml:\\d+:\\d+: .*"), "file:line:column, got " + message);
  }

  @Test
  void anUnknownKeyNamesTheFileAndKey() throws Exception {
    String message = fails("typo.yaml", BASE + "ppo:\n  learning_rat: 0.001\n");
    assertTrue(message.contains("typo.yaml"), message);
    assertTrue(message.contains("learning_rat"), message);
  }

  @Test
  void aMissingDatasetNamesTheFieldAndPath() throws Exception {
    Path missing = home.resolve("nowhere/prefs.arrow");
    String message = fails("missing.yaml", datasetSpec(missing, "arrow"));
    assertTrue(message.contains("data.preference_dataset"), message);
    assertTrue(message.contains(missing.toString()), message);
  }

  @Test
  void aCorruptedArrowFileNamesTheFile() throws Exception {
    Path arrow = home.resolve("prefs.arrow");
    // The Arrow IPC magic followed by garbage: looks like Arrow until the schema is read.
    Files.write(arrow, "ARROW1\0\0garbage, not a record batch".getBytes(StandardCharsets.US_ASCII));
    String message = fails("corrupt.yaml", datasetSpec(arrow, "arrow"));
    assertTrue(message.contains(arrow.getFileName().toString()), message);
  }

  @Test
  void dpoWithAPpoSectionNamesTheFileAndLine() throws Exception {
    String yaml = BASE + "method: dpo\nppo:\n  kl_coef: 0.2\n";
    int line = (int) yaml.lines().takeWhile(l -> !l.startsWith("ppo:")).count() + 2; // the section's first key
    String message = fails("dpo-ppo.yaml", yaml);
    assertTrue(message.contains("dpo-ppo.yaml:" + line + ":"), message);
    assertTrue(message.contains("method dpo does not use the ppo section"), message);
  }

  @Test
  void oneGenerationPerPromptNamesTheFileAndKey() throws Exception {
    String message = fails("g1.yaml", BASE + "method: grpo\ngrpo:\n  num_generations: 1\n");
    assertTrue(message.matches("(?s).*g1\\.yaml:\\d+:\\d+: grpo\\.num_generations: .*"), message);
  }

  @Test
  void aVerifierOnATaskWithoutOneNamesTheFileAndKey() throws Exception {
    String message = fails("v.yaml", BASE.replace("task:\n", "task:\n  name: essays\n")
        + "method: grpo\nreward:\n  source: verifier\n");
    assertTrue(message.matches("(?s).*v\\.yaml:\\d+:\\d+: reward\\.source: .*"), message);
    assertTrue(message.contains("task essays has no verifier"), message);
  }

  @Test
  void dpoOnADatasetWithNoPairsLeftAfterFilteringFailsBeforeTraining() throws Exception {
    Path jsonl = home.resolve("ties.jsonl");
    Files.writeString(jsonl, String.join("\n",
        "{\"prompt\": \"1 2 =\", \"chosen\": \"3 4\", \"rejected\": \"3 4\"}",
        "{\"prompt\": \"5 =\", \"chosen\": \"6\", \"rejected\": \"6\"}", ""));
    String message = fails("ties.yaml", BASE + "  source: dataset\n  dataset_format: trl\nmethod: dpo\n"
        + "data:\n  preference_dataset: " + jsonl + "\n");
    assertTrue(message.contains(jsonl.toString()), message);
    assertTrue(message.contains("no usable pairs"), message);
  }

  @Test
  void jsonlWithOneBadLineNamesTheFileAndLine() throws Exception {
    Path jsonl = home.resolve("sft.jsonl");
    Files.writeString(jsonl, String.join("\n",
        "{\"prompt\": \"a b\", \"response\": \"c d\"}",
        "{\"prompt\": \"e f\", \"response\": \"g h\"}",
        "{\"prompt\": \"i j\", \"respo",
        "{\"prompt\": \"k l\", \"response\": \"m n\"}", ""));
    String message = fails("jsonl.yaml", BASE + "until: sft\ndata:\n  sft_dataset: " + jsonl + "\n");
    assertTrue(message.contains(jsonl.getFileName().toString()), message);
    assertTrue(message.contains("line 3"), message);
  }

  @Test
  void aTruncatedCheckpointIsNotTrustedAndNotRetried() throws Exception {
    // A first run trains SFT and records its manifest; then a weights blob is truncated on disk.
    String yaml = BASE + "until: collect\n"; // with simulated preferences: sft, then collect samples from it
    PipelineResult first = run("ok.yaml", yaml, List.of()).getResult(5, TimeUnit.MINUTES, PipelineResult.class);
    ArtifactRef checkpoint = first.stages().get(SftStage.NAME).output("checkpoint");
    Path blob = weightsBlob(checkpoint);
    byte[] bytes = Files.readAllBytes(blob);
    Files.write(blob, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    deleteTree(home.resolve("rlhf/scratch")); // a fresh worker: no verified local copy of the inputs
    // The rerun reuses SFT from its manifest, so collect must read the truncated weights.
    String message = fails("ok.yaml", yaml, List.of(CollectStage.NAME));
    assertTrue(message.contains(blobName(blob)), message); // names the blob by its digest
    assertTrue(message.contains("corrupt"), message);
  }

  private String datasetSpec(Path file, String format) {
    return BASE + "  source: dataset\n  dataset_format: " + format + "\nuntil: collect\n"
        + "data:\n  preference_dataset: " + file + "\n";
  }

  private WorkflowStub run(String path, String yaml, List<String> force) throws IOException {
    blobsBefore = blobs();
    WorkflowClient client = temporal.client();
    WorkflowStub stub = client.newUntypedWorkflowStub("RlhfPipeline", WorkflowOptions.newBuilder()
        .setWorkflowId("bad-input-" + System.nanoTime()).setTaskQueue(RlhfConfig.CPU_QUEUE).build());
    stub.start(new PipelineInput(path, yaml, 3L, force));
    return stub;
  }

  private String fails(String path, String yaml) throws Exception {
    return fails(path, yaml, List.of());
  }

  /** Runs the pipeline, expects a non-retryable validation failure and returns its message. */
  private String fails(String path, String yaml, List<String> force) throws Exception {
    WorkflowStub stub = run(path, yaml, force);
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stub.getResult(5, TimeUnit.MINUTES, PipelineResult.class));
    ApplicationFailure cause = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure a) {
        cause = a;
      }
    }
    assertNotNull(cause, "no ApplicationFailure in " + e);
    assertEquals(StageFailures.VALIDATION, cause.getType(), cause.toString());
    assertTrue(cause.isNonRetryable(), cause.toString());
    assertNothingOverwritten();
    return cause.getOriginalMessage();
  }

  private void assertNothingOverwritten() throws IOException {
    Map<Path, String> after = blobs();
    blobsBefore.forEach((file, sha) -> assertEquals(sha, after.get(file), file + " was changed or removed"));
  }

  /** sha256 of every file the store holds (blobs and manifests). */
  private Map<Path, String> blobs() throws IOException {
    Map<Path, String> shas = new TreeMap<>();
    Path root = home.resolve("rlhf");
    if (!Files.exists(root)) {
      return shas;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)
          .filter(f -> !f.toString().contains("/scratch/") && !f.toString().contains("/tmp/"))::iterator) {
        shas.put(f, Sha256.of(f).hex());
      }
    }
    return shas;
  }

  /** The local blob of the first weights file in a checkpoint directory's index. */
  private Path weightsBlob(ArtifactRef index) throws IOException {
    Path indexFile = services.store().get(index, home.resolve("index.json"));
    var files = new ObjectMapper().readTree(indexFile.toFile()).path("files");
    for (var it = files.fields(); it.hasNext(); ) {
      var f = it.next();
      if (f.getKey().endsWith(".safetensors")) {
        return home.resolve("rlhf/artifacts/sha256").resolve(f.getValue().path("sha256").asText());
      }
    }
    throw new AssertionError("no weights in " + files);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }

  private static String blobName(Path blob) {
    return blob.getFileName().toString();
  }
}
