package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.bench.PlainSgd;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.lora.Lora;
import org.rlhfflow.model.lora.LoraConfig;
import org.rlhfflow.model.nn.Module;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/** LoRA on the Llama family: identity at start, base when off, merge, gradients, adapter checkpoints. */
class LoraTest {
  private static final LoraConfig CFG = new LoraConfig(4, 8, List.of("q_proj", "v_proj", "down_proj"));

  private static LanguageModel llama(DataType type) {
    return LanguageModel.create(LlamaConfig.NANO, new ByteTokenizer(), 3, type);
  }

  /** B starts at zero; give it values so the adapters do something. */
  private static void randomizeB(Lora lora, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (Map.Entry<String, NDArray> e : lora.weights().entrySet()) {
      if (e.getKey().endsWith(Lora.B)) {
        NDArray b = e.getValue();
        double[] v = new double[Math.toIntExact(b.size())];
        for (int i = 0; i < v.length; i++) {
          v[i] = 0.05 * (2 * r.nextDouble() - 1);
        }
        b.set(b.getManager().create(v, b.getShape()).toType(b.getDataType(), false).toByteBuffer());
      }
    }
  }

  @Test
  void freshAdaptersAreTheIdentityAndOffIsTheBaseBitForBit() {
    Determinism.configure();
    try (LanguageModel lm = llama(DataType.FLOAT32); NDManager m = lm.manager().newSubManager()) {
      NDArray ids = TestData.ids(m, TestData.ids(2, 7, 256, 4));
      NDArray mask = TestData.leftPadMask(m, 7, 0, 3);
      float[] base = lm.logits(ids, mask).toFloatArray();
      Lora lora = Lora.attach((Module) lm.decoder(), CFG, lm.manager(), 9);
      assertEquals(3 * 2 * 2, lora.weights().size()); // 3 targets x 2 layers x (A, B)
      assertArrayEquals(base, lm.logits(ids, mask).toFloatArray());
      randomizeB(lora, 1);
      assertFalse(java.util.Arrays.equals(base, lm.logits(ids, mask).toFloatArray()));
      lora.setEnabled(false);
      assertArrayEquals(base, lm.logits(ids, mask).toFloatArray());
    }
  }

  @Test
  void mergedIsBasePlusScaledBaAndComputesTheSameModel() {
    Determinism.configure();
    try (LanguageModel lm = llama(DataType.FLOAT32); NDManager m = lm.manager().newSubManager()) {
      Lora lora = Lora.attach((Module) lm.decoder(), CFG, lm.manager(), 9);
      randomizeB(lora, 2);
      String key = "model.layers.1.self_attn.v_proj";
      float[] w = lm.weights().get(key + ".weight").toFloatArray(); // (out, in)
      float[] a = lora.weights().get(key + Lora.A).toFloatArray(); // (r, in)
      float[] b = lora.weights().get(key + Lora.B).toFloatArray(); // (out, r)
      int r = CFG.rank();
      int in = a.length / r;
      int out = b.length / r;
      float[] merged = lora.merged(m).get(key + ".weight").toFloatArray();
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          double ba = 0;
          for (int k = 0; k < r; k++) {
            ba += (double) b[o * r + k] * a[k * in + i];
          }
          double want = w[o * in + i] + ba * CFG.alpha() / r;
          assertEquals(want, merged[o * in + i], 1e-6, "[" + o + ", " + i + "]");
        }
      }
      NDArray ids = TestData.ids(m, TestData.ids(2, 7, 256, 5));
      NDArray mask = TestData.leftPadMask(m, 7, 0, 2);
      try (LanguageModel plain = LanguageModel.fromWeights(lm.config(), lm.tokenizer(), lora.merged(m))) {
        float gap = lm.logits(ids, mask).sub(plain.logits(ids, mask)).abs().max().getFloat();
        assertTrue(gap < 1e-5, "merged model differs from base + adapters by " + gap);
      }
    }
  }

  @Test
  void adapterGradientsMatchFiniteDifferencesAndTheBaseGetsNone() {
    Determinism.configure();
    double eps = 1e-6;
    try (LanguageModel lm = llama(DataType.FLOAT64); NDManager m = lm.manager().newSubManager()) {
      Lora lora = Lora.attach((Module) lm.decoder(), CFG, lm.manager(), 9);
      randomizeB(lora, 3);
      NDArray ids = TestData.ids(m, TestData.ids(2, 6, 256, 21));
      NDArray mask = TestData.leftPadMask(m, 6, 0, 2);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(PlainSgd.lmLoss(lm, ids, mask));
      }
      for (NDArray base : lm.weights().values()) {
        assertFalse(base.hasGradient(), "base weights are frozen");
      }
      SplittableRandom pick = new SplittableRandom(5);
      for (Map.Entry<String, NDArray> e : lora.weights().entrySet()) {
        NDArray p = e.getValue();
        long[] dims = p.getShape().getShape();
        long[] at = {pick.nextLong(dims[0]), pick.nextLong(dims[1])};
        double analytic = p.getGradient().getDouble(at);
        double numeric;
        try (NoGrad ng = NoGrad.enter()) {
          double orig = p.getDouble(at);
          p.set(new NDIndex(at), orig + eps);
          double plus = loss(lm, ids, mask);
          p.set(new NDIndex(at), orig - eps);
          double minus = loss(lm, ids, mask);
          p.set(new NDIndex(at), orig);
          numeric = (plus - minus) / (2 * eps);
        }
        double err = Math.abs(analytic - numeric) / Math.max(1e-4, Math.abs(analytic) + Math.abs(numeric));
        assertTrue(err < 1e-5, e.getKey() + " analytic " + analytic + " numeric " + numeric);
      }
    }
  }

  private static double loss(LanguageModel lm, NDArray ids, NDArray mask) {
    try (NDManager step = ids.getManager().newSubManager()) {
      NDArray i = ids.duplicate();
      NDArray mk = mask.duplicate();
      i.attach(step);
      mk.attach(step);
      return PlainSgd.lmLoss(lm, i, mk).getDouble();
    }
  }

  @Test
  void adaptersCheckpointAloneAndRestoreBitExactOnlyOnTheirBase(@TempDir Path dir) throws Exception {
    Determinism.configure();
    try (LanguageModel lm = llama(DataType.FLOAT32); LanguageModel same = llama(DataType.FLOAT32);
        LanguageModel other = LanguageModel.create(LlamaConfig.NANO, new ByteTokenizer(), 4)) {
      Lora lora = Lora.attach((Module) lm.decoder(), CFG, lm.manager(), 9);
      randomizeB(lora, 4);
      lora.save(dir);
      assertTrue(java.nio.file.Files.size(dir.resolve(Lora.FILE)) < 64 * 1024, "only adapters are written");
      Lora back = Lora.attach((Module) same.decoder(), CFG, same.manager(), 10);
      back.restore(dir, same.manager());
      for (Map.Entry<String, NDArray> e : lora.weights().entrySet()) {
        assertArrayEquals(e.getValue().toFloatArray(), back.weights().get(e.getKey()).toFloatArray(), e.getKey());
      }
      Lora wrong = Lora.attach((Module) other.decoder(), CFG, other.manager(), 9);
      CheckpointException e = assertThrows(CheckpointException.class, () -> wrong.restore(dir, other.manager()));
      assertEquals("base_sha256", e.key());
    }
  }

  @Test
  void theGptTakesAdaptersTooAndMergesToTheSameModel() {
    Determinism.configure();
    try (LanguageModel gpt = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 3);
        NDManager m = gpt.manager().newSubManager()) {
      Lora lora = Lora.attach((Module) gpt.decoder(), new LoraConfig(2, 4, List.of("attn.c_attn")), gpt.manager(), 1);
      assertEquals(GptConfig.NANO.nLayer() * 2, lora.weights().size());
      randomizeB(lora, 6);
      NDArray ids = TestData.ids(m, TestData.ids(2, 5, 256, 8));
      NDArray mask = TestData.leftPadMask(m, 5, 0, 1);
      try (LanguageModel plain = LanguageModel.fromWeights(gpt.config(), gpt.tokenizer(), lora.merged(m))) {
        float gap = gpt.logits(ids, mask).sub(plain.logits(ids, mask)).abs().max().getFloat();
        assertTrue(gap < 1e-5, "merged GPT differs by " + gap);
      }
    }
  }

  @Test
  void aTargetThatNamesNoModuleIsNamed() {
    try (LanguageModel lm = llama(DataType.FLOAT32)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Lora.attach((Module) lm.decoder(), new LoraConfig(2, 4, List.of("qkv_proj")), lm.manager(), 1));
      assertTrue(e.getMessage().startsWith("model.lora.targets[0]: 'qkv_proj' matches no module; modules are: ["),
          e.getMessage());
      assertTrue(e.getMessage().contains("q_proj"), e.getMessage());
    }
  }
}
