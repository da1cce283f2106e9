package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.bench.PlainSgd;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class TrainingDeterminismTest {
  @BeforeAll
  static void configure() {
    Determinism.configure();
  }

  @Test
  void sameSeedGivesBitIdenticalWeightsAfterTraining() {
    List<byte[]> a = train(3, 4);
    List<byte[]> b = train(3, 4);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "tensor " + i);
    }
    List<byte[]> c = train(4, 4);
    assertFalse(java.util.Arrays.equals(a.get(0), c.get(0)), "a different seed must differ");
  }

  @Test
  void trainingLowersTheLoss() {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 1)) {
      float first = 0;
      float last = 0;
      for (int s = 0; s < 8; s++) {
        try (NDManager m = lm.manager().newSubManager()) {
          float loss = PlainSgd.step(lm, TestData.ids(m, TestData.ids(4, 16, 256, 99)), TestData.leftPadMask(m, 16, 0, 0, 3, 5), 0.5f);
          first = s == 0 ? loss : first;
          last = loss;
        }
      }
      assertTrue(last < first, first + " -> " + last);
    }
  }

  @Test
  void resumingFromACheckpointGivesTheSameNextStep(@TempDir Path dir) throws Exception {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 5)) {
      step(lm, 0);
      lm.save(dir, 1, "spec", null, null);
      step(lm, 1);
      try (LanguageModel resumed = LanguageModel.load(dir)) {
        step(resumed, 1);
        List<byte[]> x = bytes(lm);
        List<byte[]> y = bytes(resumed);
        for (int i = 0; i < x.size(); i++) {
          assertArrayEquals(x.get(i), y.get(i), "tensor " + i);
        }
      }
    }
  }

  private static List<byte[]> train(long seed, int steps) {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), seed)) {
      for (int s = 0; s < steps; s++) {
        step(lm, s);
      }
      return bytes(lm);
    }
  }

  private static void step(LanguageModel lm, int s) {
    try (NDManager m = lm.manager().newSubManager()) {
      NDArray ids = TestData.ids(m, TestData.ids(4, 16, 256, Seeds.derive(42, "batch", s)));
      PlainSgd.step(lm, ids, TestData.leftPadMask(m, 16, 0, 1, 2, 7), 0.1f);
    }
  }

  private static List<byte[]> bytes(LanguageModel lm) {
    List<byte[]> out = new ArrayList<>();
    for (NDArray a : lm.weights().values()) {
      ByteBuffer b = a.toByteBuffer();
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      out.add(copy);
    }
    return out;
  }
}
