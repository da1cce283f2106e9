package org.rlhfflow.activities.dpo;

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
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.StageFixtures;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.DigitsTask;

/** The DPO activity, run for real on a NANO model for a few steps. */
class DpoActivitiesImplTest {
  // 24 prompts x 2 pairs = 48 pairs, batch 8: 6 steps per epoch, 12 steps.
  static final String YAML = """
      name: dpo-test
      seed: 5
      method: dpo
      model:
        preset: nano
        block_size: 32
      dpo:
        epochs: 2
        batch_size: 8
        checkpoint_every: 5
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  /** Oracle-labelled digits pairs: a clean count against a stuttering one, and two noisy ones. */
  static List<PreferencePair> digitsPairs(int prompts, long seed) {
    DigitsTask task = new DigitsTask();
    SplittableRandom rng = new SplittableRandom(seed);
    List<PreferencePair> out = new ArrayList<>();
    for (String p : task.prompts("train", prompts, seed)) {
      out.add(ordered(task, p, task.demonstration(p, 0, rng), task.demonstration(p, 0.5, rng)));
      out.add(ordered(task, p, task.demonstration(p, 0.2, rng), task.demonstration(p, 0.7, rng)));
    }
    return out;
  }

  private static PreferencePair ordered(DigitsTask task, String prompt, String x, String y) {
    boolean xBetter = task.oracleScore(prompt, x) >= task.oracleScore(prompt, y);
    return new PreferencePair(prompt, xBetter ? x : y, xBetter ? y : x, 2.0, "simulated", "oracle", List.of());
  }

  private record Setup(StageServices services, ArtifactRef sft, ArtifactRef prefs) {}

  private static Setup setup(Path dir, StageFixture.Recording tracker, List<PreferencePair> pairs) throws IOException {
    StageServices services = StageFixture.services(dir, tracker);
    Path file = Files.createDirectories(dir.resolve("in")).resolve("prefs.arrow");
    ArrowDatasets.writePreferences(file, pairs);
    return new Setup(services, StageFixtures.nanoPolicy(services, dir, 3), services.store().put(file));
  }

  private static StageResult run(Setup s, String yaml, Hooks hooks, String... forced) {
    return new DpoActivitiesImpl(s.services())
        .dpo(new DpoInput(StageFixture.context(yaml, forced), s.sft(), s.prefs()), hooks);
  }

  /** The same store and inputs, another tracking directory: a changed spec is another workflow's run. */
  private static Setup withTracker(Setup s, Path dir, StageFixture.Recording tracker) throws IOException {
    return new Setup(new StageServices(s.services().store(), tracker, dir.resolve("s")), s.sft(), s.prefs());
  }

  @Test
  void trainsWithTrlMetricsAndCachesTheReferenceLogProbs() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    Setup s = setup(tmp, tracker, digitsPairs(24, 11));
    StageResult r = run(s, YAML, Hooks.NONE);
    assertEquals(12, tracker.points("dpo/loss").size());
    for (String key : List.of("rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
        "logps/chosen", "logps/rejected", "dpo/grad_norm", "dpo/lr")) {
      assertEquals(12, tracker.points(key).size(), key);
      assertTrue(tracker.points(key).stream().allMatch(p -> Double.isFinite(p.value())), key);
    }
    // Step 1: the policy is the reference, so h = 0 up to float noise and the loss is log 2.
    assertEquals(Math.log(2), tracker.points("dpo/loss").get(0).value(), 1e-4);
    assertEquals(0.0, tracker.points("rewards/margins").get(0).value(), 1e-4);
    // DPO pushes chosen above rejected on the pairs it trains on.
    assertTrue(tracker.points("rewards/margins").get(11).value() > 0, tracker.points("rewards/margins").toString());
    assertEquals(48.0, r.metrics().get("dpo/pairs"));
    assertEquals(0.0, r.metrics().get("dpo/reference_reused"));

    // Another beta is another stage run, but the reference pass is reused from its cache.
    StageResult other = run(withTracker(s, tmp.resolve("b"), new StageFixture.Recording(tmp.resolve("b"))),
        YAML.replace("epochs: 2", "epochs: 2\n  beta: 0.5"), Hooks.NONE);
    assertEquals(1.0, other.metrics().get("dpo/reference_reused"));
    assertEquals(r.output("reference_logps"), other.output("reference_logps"));
    assertNotEquals(r.output("checkpoint").sha256(), other.output("checkpoint").sha256());
    assertTrue(run(s, YAML, Hooks.NONE).reused());
  }

  @Test
  void resumingFromACheckpointEndsBitIdentical() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    Setup s = setup(tmp, tracker, digitsPairs(24, 11));
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = run(s, YAML, new Hooks(Optional.empty(), checkpoints::add));
    assertEquals(List.of(5L, 10L), checkpoints.stream().map(Progress::step).toList());
    for (Progress p : checkpoints) { // mid-epoch 0 and mid-epoch 1
      tracker.clear();
      Progress heartbeat = new Progress(p.step() + 1, p.checkpoint()); // a retry sees one step past it
      StageResult resumed = run(s, YAML, new Hooks(Optional.of(heartbeat), x -> {}), DpoStage.NAME);
      assertEquals(12 - p.step(), tracker.points("dpo/loss").size());
      assertEquals(full.output("checkpoint").sha256(), resumed.output("checkpoint").sha256(), "from step " + p.step());
    }
  }

  @Test
  void ipoHingeAndSoftLabelsTrain() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    Setup s = setup(tmp, tracker, digitsPairs(8, 2));
    for (String extra : List.of("\n  loss: ipo", "\n  loss: hinge", "\n  soft_labels: true")) {
      Path dir = tmp.resolve(extra.strip().replace(": ", "-"));
      tracker = new StageFixture.Recording(dir);
      Setup own = withTracker(s, dir, tracker);
      StageResult r = run(own, YAML.replace("epochs: 2", "epochs: 1" + extra), Hooks.NONE);
      assertTrue(Double.isFinite(r.metrics().get("dpo/final_loss")), extra);
      assertEquals(2, tracker.points("dpo/loss").size(), extra);
    }
  }

  @Test
  void noPairsLeftAfterFilteringFailsWithoutRetry() throws IOException {
    List<PreferencePair> same = new ArrayList<>();
    for (PreferencePair p : digitsPairs(4, 1)) {
      same.add(PreferencePair.of(p.prompt(), p.chosen(), p.chosen()));
    }
    Setup s = setup(tmp, new StageFixture.Recording(tmp), same);
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> run(s, YAML, Hooks.NONE));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("no preference pairs left after filtering"), e.getOriginalMessage());
    assertTrue(e.getOriginalMessage().contains("preferences "), e.getOriginalMessage());
    assertFalse(e.getOriginalMessage().isBlank());
  }
}
