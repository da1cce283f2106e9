package org.rlhfflow.activities.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.LanguageModel;

/** The pretrain stage, run for real on a NANO model for a few steps. */
class PretrainActivitiesImplTest {
  // 48 documents / batch 16 = 3 steps per epoch, 6 steps; checkpoints after steps 2 and 4.
  static final String YAML = """
      name: pretrain-test
      seed: 5
      model:
        preset: nano
        block_size: 128
      task:
        name: assistant
        train_prompts: 64
        heldout_prompts: 16
      evaluation:
        prompts: 16
      pretrain:
        epochs: 2
        documents: 48
        batch_size: 16
        warmup_steps: 1
        checkpoint_every: 2
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private StageResult run(Path dir, StageFixture.Recording tracker, StageContext ctx, Hooks hooks) {
    StageServices services = StageFixture.services(dir, tracker);
    return new PretrainActivitiesImpl(services).pretrain(new PretrainInput(ctx), hooks).run();
  }

  @Test
  void trainsOnTheCorpusAndResumesBitIdentical() throws Exception {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = run(tmp, tracker, StageFixture.context(YAML), new Hooks(Optional.empty(), checkpoints::add));
    assertEquals(6, tracker.points("pretrain/loss").size());
    assertEquals(48.0, full.metrics().get("pretrain/documents"));
    StageServices services = StageFixture.services(tmp, tracker);
    Path corpus = services.store().get(full.output("corpus"), tmp.resolve("corpus.arrow"));
    assertEquals(48, ArrowDatasets.readSftPairs(corpus).size());
    try (LanguageModel lm = LanguageModel.load(services.store().getDirectory(full.output("checkpoint"), tmp.resolve("ck")))) {
      assertEquals(6, lm.checkpointMeta().step());
    }
    assertEquals(List.of(2L, 4L), checkpoints.stream().map(Progress::step).toList());
    for (Progress p : checkpoints) {
      tracker.clear();
      Progress heartbeat = new Progress(p.step() + 1, p.checkpoint());
      StageResult resumed = run(tmp, tracker, StageFixture.context(YAML, PretrainStage.NAME),
          new Hooks(Optional.of(heartbeat), x -> {}));
      assertFalse(resumed.reused());
      assertEquals(6 - p.step(), tracker.points("pretrain/loss").size(), "only the remaining steps run");
      assertEquals(full.output("checkpoint").sha256(), resumed.output("checkpoint").sha256(), "from step " + p.step());
    }
  }

  @Test
  void aTaskWithoutACorpusFailsWithoutRetryNamingTheField() {
    String yaml = YAML.replace("  name: assistant\n", "").replace("block_size: 128", "block_size: 32");
    ApplicationFailure e = assertThrows(ApplicationFailure.class,
        () -> run(tmp, new StageFixture.Recording(tmp), StageFixture.context(yaml), Hooks.NONE));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("task.name: digits"), e.getOriginalMessage());
  }
}
