package org.rlhfflow.activities.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.loss.SftLoss;
import org.rlhfflow.model.nn.Ops;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.LrSchedule;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class TrainingLoopTest {
  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  @Test
  void aNanLossFailsTheStageAsDivergedBeforeTouchingTheWeights() {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO.withBlockSize(16), new ByteTokenizer(), 1);
        AdamW adamw = AdamW.builder().setParameters(lm.parameters()).build()) {
      float[] before = lm.weights().get("wte.weight").toFloatArray();
      List<Sequences.Encoded> rows = List.of(Sequences.encode(lm.tokenizer(), "12=", "345", 16));
      ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> StageRun.execute(
          StageFixture.services(tmp, tracker), StageFixture.context("name: t\n"), SftStage.DEF, Map.of(), run -> {
            TrainingLoop loop = new TrainingLoop(run,
                new TrainingLoop.Config("sft", 4, 10, 1.0, LrSchedule.constant(1e-3)),
                lm.parameters(), adamw, new EpochBatches(1, "sft", 1, 1), lm.manager(),
                (dir, step, state, optim) -> lm.save(dir, step, "", state, optim), Hooks.NONE);
            loop.run(0, null, (idx, m) -> {
              Sequences.Batch b = Sequences.collate(rows, lm.tokenizer().padId(), m);
              NDArray loss = SftLoss.compute(lm.logits(b.ids(), b.attentionMask()), b.ids(), b.responseMask());
              return new TrainingLoop.StepLoss(Ops.mul(loss, Double.NaN), Map.of());
            });
            return null;
          }));
      assertEquals(StageFailures.DIVERGED, e.getType());
      assertTrue(e.isNonRetryable());
      assertTrue(e.getOriginalMessage().contains("at step 1"), e.getOriginalMessage());
      assertArrayEquals(before, lm.weights().get("wte.weight").toFloatArray(), "no update with a NaN loss");
      assertEquals(0, adamw.stepCount());
    }
  }
}
