package org.rlhfflow.activities.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tracking.MetricPoint;

/** The SFT activity, run for real on a NANO model for a few steps. */
class SftActivitiesImplTest {
  // 64 demos / batch 16 = 4 steps per epoch, 8 steps; checkpoints after steps 3 and 6.
  static final String YAML = """
      name: sft-test
      seed: 3
      model:
        preset: nano
        block_size: 32
      task:
        train_prompts: 64
      sft:
        epochs: 2
        batch_size: 16
        warmup_steps: 2
        checkpoint_every: 3
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1); // 2 intra-op threads on the shared 2-core machine ran ~30x slower (OpenMP oversubscription)
  }

  private StageResult run(Path dir, StageFixture.Recording tracker, StageContext ctx, Hooks hooks) {
    StageServices services = StageFixture.services(dir, tracker);
    return new SftActivitiesImpl(services).sft(new SftInput(ctx, null, null), hooks).run();
  }

  @Test
  void trainsStoresOutputsAndReusesACompletedRun() throws Exception {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageResult r = run(tmp, tracker, StageFixture.context(YAML), Hooks.NONE);
    assertFalse(r.reused());
    List<MetricPoint> losses = tracker.points("sft/loss");
    assertEquals(8, losses.size());
    for (String key : List.of("sft/loss", "sft/lr", "sft/grad_norm")) {
      assertTrue(tracker.points(key).stream().allMatch(p -> Double.isFinite(p.value())), key);
    }
    assertTrue(Double.isFinite(r.metrics().get("sft/final_loss")));
    assertEquals(8.0, r.metrics().get("sft/steps"));

    StageServices services = StageFixture.services(tmp, tracker);
    Path ckpt = services.store().getDirectory(r.output("checkpoint"), tmp.resolve("out"));
    try (LanguageModel lm = LanguageModel.load(ckpt)) {
      assertEquals(8, lm.checkpointMeta().step());
      assertTrue(lm.checkpointExtras().isEmpty(), "the output carries no optimizer state");
      var ctx = StageFixture.context(YAML);
      assertEquals(ctx.specSha256(), lm.checkpointMeta().specHash());
      assertEquals(org.rlhfflow.store.Json.MAPPER.readTree(ctx.specJson()), lm.checkpointMeta().spec(),
          "the checkpoint embeds the resolved spec, not only its sha256");
    }
    Path data = services.store().get(r.output("dataset"), tmp.resolve("sft.arrow"));
    assertEquals(64, ArrowDatasets.readSftPairs(data).size());

    StageResult again = run(tmp, tracker, StageFixture.context(YAML), Hooks.NONE);
    assertTrue(again.reused());
    assertEquals(r.outputs(), again.outputs());
  }

  @Test
  void sameSeedGivesTheSameCheckpointAndAnotherSeedDoesNot() {
    StageResult a = run(tmp.resolve("1"), new StageFixture.Recording(tmp.resolve("1")), StageFixture.context(YAML), Hooks.NONE);
    StageResult b = run(tmp.resolve("2"), new StageFixture.Recording(tmp.resolve("2")), StageFixture.context(YAML), Hooks.NONE);
    assertEquals(a.output("checkpoint").sha256(), b.output("checkpoint").sha256());
    assertEquals(a.output("dataset").sha256(), b.output("dataset").sha256());
    StageResult c = run(tmp.resolve("3"), new StageFixture.Recording(tmp.resolve("3")),
        StageFixture.context(YAML.replace("seed: 3", "seed: 4")), Hooks.NONE);
    assertNotEquals(a.output("checkpoint").sha256(), c.output("checkpoint").sha256());
  }

  @Test
  void resumingFromACheckpointEndsBitIdentical() {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = run(tmp, tracker, StageFixture.context(YAML), new Hooks(Optional.empty(), checkpoints::add));
    assertEquals(List.of(3L, 6L), checkpoints.stream().map(Progress::step).toList());

    // A retry that starts from step 3 (mid-epoch 0) and one from step 6 (mid-epoch 1).
    for (Progress p : checkpoints) {
      tracker.clear();
      StageResult resumed = run(tmp, tracker, StageFixture.context(YAML, SftStage.NAME), new Hooks(Optional.of(heartbeatAfter(p)), x -> {}));
      assertFalse(resumed.reused());
      assertEquals(8 - p.step(), tracker.points("sft/loss").size(), "only the remaining steps run");
      assertEquals(full.output("checkpoint").sha256(), resumed.output("checkpoint").sha256(), "from step " + p.step());
      assertEquals(full.metrics().get("sft/final_loss"), resumed.metrics().get("sft/final_loss"));
    }
  }

  @Test
  void anInputDatasetIsTrainedOnAndPassedThroughAsTheDatasetOutput() throws Exception {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageServices services = StageFixture.services(tmp, tracker);
    List<SftPair> pairs = List.of(new SftPair("12=", "34567890"), new SftPair("7=", "89012345"),
        new SftPair("55=", "67890123"));
    Path file = tmp.resolve("demos.arrow");
    ArrowDatasets.writeSftPairs(file, pairs);
    ArtifactRef ref = services.store().put(file);
    StageResult r = new SftActivitiesImpl(services).sft(new SftInput(StageFixture.context(YAML), null, ref)).run();
    assertEquals(ref, r.output("dataset"));
    assertEquals(2.0, r.metrics().get("sft/steps"), "3 pairs / batch 16 = 1 step per epoch, 2 epochs");
    assertEquals(3.0, r.metrics().get("sft/examples"));
  }

  @Test
  void aMissingDatasetFileFailsWithoutRetryNamingTheField() {
    String yaml = YAML + "data:\n  sft_dataset: /nonexistent/demos.jsonl\n";
    ApplicationFailure e = assertThrows(ApplicationFailure.class,
        () -> run(tmp, new StageFixture.Recording(tmp), StageFixture.context(yaml), Hooks.NONE));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("data.sft_dataset"), e.getOriginalMessage());
  }

  /** What a retry sees: the last heartbeat, one step past the checkpoint it carries. */
  private static Progress heartbeatAfter(Progress checkpoint) {
    return new Progress(checkpoint.step() + 1, checkpoint.checkpoint());
  }
}
