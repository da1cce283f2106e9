package org.rlhfflow.activities.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.sft.SftActivitiesImpl;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.DigitsTask;

/** The reward-model activity, run for real on a NANO model for a few steps. */
class RewardModelActivitiesImplTest {
  // 24 prompts x 2 pairs; 12 pairs (6 prompts) held out, 36 train / batch 8 = 5 steps per epoch, 10 steps.
  static final String YAML = """
      name: rm-test
      seed: 5
      model:
        preset: nano
        block_size: 32
      reward_model:
        epochs: 2
        batch_size: 8
        heldout_fraction: 0.25
        checkpoint_every: 3
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1); // 2 intra-op threads on the shared 2-core machine ran ~30x slower (OpenMP oversubscription)
  }

  /**
   * Digits pairs labelled by the oracle, two per prompt: a clean count against a stuttering one,
   * and two stuttering ones (higher oracle score chosen; ties skipped).
   */
  static List<PreferencePair> digitsPairs(int prompts, long seed) {
    DigitsTask task = new DigitsTask();
    SplittableRandom rng = new SplittableRandom(seed);
    List<PreferencePair> out = new ArrayList<>();
    for (String p : task.prompts("train", prompts, seed)) {
      String clean = task.demonstration(p, 0, rng);
      out.add(oracleOrdered(task, p, clean, task.demonstration(p, 0.5, rng)));
      String a = task.demonstration(p, 0.3, rng);
      String b = task.demonstration(p, 0.6, rng);
      out.add(task.oracleScore(p, a) == task.oracleScore(p, b) ? oracleOrdered(task, p, clean, b) : oracleOrdered(task, p, a, b));
    }
    return out;
  }

  private static PreferencePair oracleOrdered(DigitsTask task, String prompt, String x, String y) {
    boolean xBetter = task.oracleScore(prompt, x) >= task.oracleScore(prompt, y);
    return new PreferencePair(prompt, xBetter ? x : y, xBetter ? y : x, 1.0, "simulated", "oracle", List.of());
  }

  static ArtifactRef storePairs(StageServices services, Path dir, List<PreferencePair> pairs) throws IOException {
    Path file = dir.resolve("prefs-" + pairs.size() + ".arrow");
    java.nio.file.Files.createDirectories(dir);
    ArrowDatasets.writePreferences(file, pairs);
    return services.store().put(file);
  }

  private StageResult run(Path dir, StageFixture.Recording tracker, StageContext ctx, Hooks hooks) throws IOException {
    StageServices services = StageFixture.services(dir, tracker);
    ArtifactRef prefs = storePairs(services, dir.resolve("in"), digitsPairs(24, 11));
    return new RewardModelActivitiesImpl(services).trainRewardModel(new RewardModelInput(ctx, null, prefs), hooks).run();
  }

  @Test
  void trainsStoresTheCheckpointReportsHeldoutAccuracyAndReuses() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageResult r = run(tmp, tracker, StageFixture.context(YAML), Hooks.NONE);
    assertFalse(r.reused());
    assertEquals(10, tracker.points("rm/loss").size());
    for (String key : List.of("rm/loss", "rm/accuracy", "rm/lr", "rm/grad_norm")) {
      assertTrue(tracker.points(key).stream().allMatch(p -> Double.isFinite(p.value())), key);
    }
    assertEquals(12.0, r.metrics().get("rm/heldout_pairs"));
    assertEquals(36.0, r.metrics().get("rm/train_pairs"));
    for (String key : List.of("rm/heldout_accuracy", "rm/heldout_oracle_accuracy", "rm/final_loss")) {
      double v = r.metrics().get(key);
      assertTrue(Double.isFinite(v), key + " = " + v);
    }
    for (String key : List.of("rm/heldout_auc", "rm/heldout_ece", "rm/heldout_precision", "rm/heldout_recall",
        "rm/heldout_f1")) {
      double v = r.metrics().get(key);
      assertTrue(v >= 0 && v <= 1, key + " = " + v);
    }
    StageServices services = StageFixture.services(tmp, tracker);
    Path validation = services.store().get(r.output("validation"), tmp.resolve("validation.json"));
    var json = org.rlhfflow.store.Json.MAPPER.readTree(validation.toFile()).get("held-out");
    assertEquals(r.metrics().get("rm/heldout_auc"), json.get("auc").asDouble());
    assertEquals(24, java.util.stream.StreamSupport.stream(json.get("bins").spliterator(), false)
        .mapToInt(b -> b.get("count").asInt()).sum()); // 12 pairs in both orders
    byte[] png = Files.readAllBytes(services.store().get(r.output("reliability"), tmp.resolve("rel.png")));
    assertEquals((byte) 0x89, png[0]);
    Path ckpt = services.store().getDirectory(r.output("checkpoint"), tmp.resolve("out"));
    try (ScalarHeadModel rm = ScalarHeadModel.load(ckpt)) {
      assertEquals(ScalarHeadModel.Kind.REWARD, rm.kind());
    }
    assertTrue(run(tmp, tracker, StageFixture.context(YAML), Hooks.NONE).reused());
  }

  @Test
  void aSeparateTestSplitIsReportedBesideTheHeldoutOneAndIsPartOfTheCacheKey() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageResult without = run(tmp.resolve("none"), tracker, StageFixture.context(YAML), Hooks.NONE);
    assertTrue(without.metrics().keySet().stream().noneMatch(k -> k.startsWith("rm/test")), without.metrics().toString());

    Path test = tmp.resolve("test.arrow"); // other prompts than training: test_prompt_* never collide with train
    ArrowDatasets.writePreferences(test, digitsPairs(8, 99).stream()
        .map(p -> new PreferencePair("9" + p.prompt(), p.chosen(), p.rejected(), 1.0, "simulated", "oracle", List.of()))
        .toList());
    String yaml = YAML + "data:\n  preference_test_dataset: " + test + "\n";
    StageResult r = run(tmp.resolve("with"), tracker, StageFixture.context(yaml), Hooks.NONE);
    assertEquals(16.0, r.metrics().get("rm/test_pairs"));
    for (String key : List.of("rm/test_accuracy", "rm/test_auc", "rm/test_ece", "rm/test_precision", "rm/test_recall",
        "rm/test_f1", "rm/test_oracle_accuracy")) {
      double v = r.metrics().get(key);
      assertTrue(v >= 0 && v <= 1, key + " = " + v);
    }
    assertEquals(0.0, r.metrics().get("rm/test_prompts_seen_in_training"));
    for (String key : List.of("rm/heldout_accuracy", "rm/heldout_auc", "rm/final_loss")) {
      assertEquals(without.metrics().get(key), r.metrics().get(key), key + ": the test split changes no training");
    }
    assertNotEquals(without.cacheKey(), r.cacheKey(), "the test file is part of the cache key");
    StageServices services = StageFixture.services(tmp.resolve("with"), tracker);
    var json = org.rlhfflow.store.Json.MAPPER.readTree(
        services.store().get(r.output("validation"), tmp.resolve("validation.json")).toFile());
    assertEquals(r.metrics().get("rm/test_auc"), json.get("test").get("auc").asDouble());
    assertEquals(r.metrics().get("rm/heldout_auc"), json.get("held-out").get("auc").asDouble());

    ArrowDatasets.writePreferences(test, digitsPairs(24, 11).subList(0, 12)); // other content, training's prompts
    StageResult changed = run(tmp.resolve("with"), tracker, StageFixture.context(yaml), Hooks.NONE);
    assertFalse(changed.reused(), "a changed test file is recomputed");
    assertEquals(12.0, changed.metrics().get("rm/test_pairs"));
    assertTrue(changed.metrics().get("rm/test_prompts_seen_in_training") > 0, "these prompts are training prompts too");
  }

  @Test
  void aTestSplitInJsonlIsReadInTheDatasetFormatAndAMissingOneFailsNamingTheKey() throws IOException {
    Path jsonl = tmp.resolve("test.jsonl");
    StringBuilder rows = new StringBuilder();
    for (PreferencePair p : digitsPairs(4, 97)) {
      rows.append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of(
          "prompt", "9" + p.prompt(), "chosen", p.chosen(), "rejected", p.rejected()))).append('\n');
    }
    Files.writeString(jsonl, rows);
    String yaml = YAML + "preferences:\n  dataset_format: trl\ndata:\n  preference_test_dataset: " + jsonl + "\n";
    StageResult r = run(tmp.resolve("jsonl"), new StageFixture.Recording(tmp.resolve("jsonl")), StageFixture.context(yaml), Hooks.NONE);
    assertEquals(8.0, r.metrics().get("rm/test_pairs"));

    String missing = YAML + "data:\n  preference_test_dataset: " + tmp.resolve("nope.arrow") + "\n";
    ApplicationFailure e = assertThrows(ApplicationFailure.class,
        () -> run(tmp.resolve("missing"), new StageFixture.Recording(tmp.resolve("missing")), StageFixture.context(missing), Hooks.NONE));
    assertTrue(e.isNonRetryable());
    assertTrue(e.getOriginalMessage().contains("data.preference_test_dataset"), e.getOriginalMessage());
  }

  @Test
  void sameSeedGivesTheSameCheckpointAndAnotherSeedDoesNot() throws IOException {
    StageResult a = run(tmp.resolve("1"), new StageFixture.Recording(tmp.resolve("1")), StageFixture.context(YAML), Hooks.NONE);
    StageResult b = run(tmp.resolve("2"), new StageFixture.Recording(tmp.resolve("2")), StageFixture.context(YAML), Hooks.NONE);
    assertEquals(a.output("checkpoint").sha256(), b.output("checkpoint").sha256());
    assertEquals(a.metrics().get("rm/heldout_accuracy"), b.metrics().get("rm/heldout_accuracy"));
    StageResult c = run(tmp.resolve("3"), new StageFixture.Recording(tmp.resolve("3")),
        StageFixture.context(YAML.replace("seed: 5", "seed: 6")), Hooks.NONE);
    assertNotEquals(a.output("checkpoint").sha256(), c.output("checkpoint").sha256());
  }

  @Test
  void resumingFromACheckpointEndsBitIdentical() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = run(tmp, tracker, StageFixture.context(YAML), new Hooks(Optional.empty(), checkpoints::add));
    assertEquals(List.of(3L, 6L, 9L), checkpoints.stream().map(Progress::step).toList());
    for (Progress p : List.of(checkpoints.get(0), checkpoints.get(2))) { // mid-epoch 0, mid-epoch 1
      tracker.clear();
      StageResult resumed =
          run(tmp, tracker, StageFixture.context(YAML, RewardModelStage.NAME), new Hooks(Optional.of(heartbeatAfter(p)), x -> {}));
      assertEquals(10 - p.step(), tracker.points("rm/loss").size());
      assertEquals(full.output("checkpoint").sha256(), resumed.output("checkpoint").sha256(), "from step " + p.step());
      assertEquals(full.metrics().get("rm/final_loss"), resumed.metrics().get("rm/final_loss"));
    }
  }

  @Test
  void startsFromAnSftCheckpointWhenGivenOne() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageServices services = StageFixture.services(tmp, tracker);
    StageContext ctx = StageFixture.context(YAML + "task:\n  train_prompts: 32\nsft:\n  epochs: 1\n  batch_size: 16\n");
    ArtifactRef sft = new SftActivitiesImpl(services).sft(new SftInput(ctx, null, null)).checkpoint();
    ArtifactRef prefs = storePairs(services, tmp.resolve("in"), digitsPairs(24, 11));
    StageResult fromSft = new RewardModelActivitiesImpl(services).trainRewardModel(new RewardModelInput(ctx, sft, prefs)).run();
    StageResult fromBase = new RewardModelActivitiesImpl(services).trainRewardModel(new RewardModelInput(ctx, null, prefs)).run();
    assertFalse(fromBase.reused(), "the SFT model's digest is part of the cache key");
    assertNotEquals(fromSft.cacheKey(), fromBase.cacheKey());
    assertNotEquals(fromSft.output("checkpoint").sha256(), fromBase.output("checkpoint").sha256());
  }

  @Test
  void splitKeepsEachPromptOnOneSideAndIsDeterministic() {
    List<PreferencePair> pairs = digitsPairs(40, 3);
    PreferenceSplit s = PreferenceSplit.of(pairs, 0.2, 9);
    assertEquals(pairs.size(), s.train().size() + s.heldout().size());
    assertTrue(s.heldout().size() >= 16, "at least floor(80 * 0.2) held out: " + s.heldout().size());
    Set<String> train = new HashSet<>();
    s.train().forEach(p -> train.add(p.prompt()));
    assertTrue(s.heldout().stream().noneMatch(p -> train.contains(p.prompt())), "a prompt on both sides");
    assertEquals(s, PreferenceSplit.of(pairs, 0.2, 9));
    assertNotEquals(s, PreferenceSplit.of(pairs, 0.2, 10));
  }

  @Test
  void noPreferencesFailsWithoutRetry() {
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> new RewardModelActivitiesImpl(services)
        .trainRewardModel(new RewardModelInput(StageFixture.context(YAML), null, null)));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("data.preference_dataset"), e.getOriginalMessage());
  }

  /** What a retry sees: the last heartbeat, one step past the checkpoint it carries. */
  private static Progress heartbeatAfter(Progress checkpoint) {
    return new Progress(checkpoint.step() + 1, checkpoint.checkpoint());
  }
}
