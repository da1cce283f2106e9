package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.model.nn.EmbeddingLayer;
import org.rlhfflow.model.nn.Init;
import org.rlhfflow.model.nn.KvCache;
import org.rlhfflow.model.nn.LayerNormLayer;
import org.rlhfflow.model.nn.Module;
import org.rlhfflow.model.nn.TransformerBlock;

/**
 * A GPT-2 decoder (Radford et al. 2019) written like nanoGPT: token + position embeddings, L
 * pre-LayerNorm blocks, a final LayerNorm and an LM head tied to {@code wte}. Parameter keys mirror
 * Hugging Face GPT-2 ({@code wte.weight}, {@code h.0.attn.c_attn.weight}, {@code ln_f.bias}).
 *
 * <p><b>Padding.</b> Inputs are token ids (B, T) int64 and an attention mask (B, T), 1 = token,
 * 0 = pad. Prompts are left-padded for batched generation. Position ids are {@code
 * max(cumsum(mask) - 1, 0)}, as Hugging Face computes them, so a row's real tokens get positions
 * 0, 1, ... whatever its padding; pad keys are masked out of attention. Outputs at pad positions
 * are finite but meaningless: mask them downstream.
 *
 * <pre>{@code
 * Gpt gpt = new Gpt(GptConfig.NANO);
 * gpt.initialize(manager, seed, DataType.FLOAT32);
 * NDArray logits = gpt.logits(gpt.hidden(ids, mask)); // (B, T, V)
 * }</pre>
 */
public final class Gpt extends Module implements Decoder {
  /** Added to attention scores of masked keys; exp() of it underflows to exactly 0. */
  private static final double MASKED = -1e9;

  private final GptConfig config;
  private final EmbeddingLayer wte;
  private final EmbeddingLayer wpe;
  private final List<TransformerBlock> h = new ArrayList<>();
  private final LayerNormLayer lnF;

  public Gpt(GptConfig config) {
    this.config = config;
    wte = child("wte", new EmbeddingLayer(config.vocabSize(), config.nEmbd()));
    wpe = child("wpe", new EmbeddingLayer(config.blockSize(), config.nEmbd()));
    for (int i = 0; i < config.nLayer(); i++) {
      h.add(child("h." + i, new TransformerBlock(config)));
    }
    lnF = child("ln_f", new LayerNormLayer(config.nEmbd(), config.bias(), config.layerNormEps()));
  }

  @Override
  public GptConfig config() {
    return config;
  }

  /** Fresh GPT-2 initialisation from Java randoms seeded by {@code seed} (see {@link Init}). */
  public void initialize(NDManager manager, long seed, DataType type) {
    Init.initialize(this, manager, seed, config.nLayer(), type);
  }

  /** Final hidden states (B, T, C), after ln_f, for ids (B, T) and mask (B, T). */
  public NDArray hidden(NDArray ids, NDArray mask) {
    return hidden(ids, positions(mask), mask, null);
  }

  /**
   * Final hidden states (B, T, C) of the T newest tokens, given the S - T already in {@code cache}
   * (or none when cache is null and S == T).
   *
   * @param ids (B, T) token ids
   * @param positions (B, T) position ids
   * @param keyMask (B, S) mask over all keys, cached ones first
   */
  @Override
  public NDArray hidden(NDArray ids, NDArray positions, NDArray keyMask, KvCache cache) {
    long t = ids.getShape().get(1);
    long s = keyMask.getShape().get(1);
    if (s > config.blockSize()) {
      throw new IllegalArgumentException(
          "sequence length " + s + " exceeds blockSize=" + config.blockSize());
    }
    NDArray x = wte.apply(ids).add(wpe.apply(positions)); // (B, T, C)
    NDArray bias = attentionBias(keyMask, t, x.getDataType()); // (B, 1, T, S)
    for (int i = 0; i < h.size(); i++) {
      x = h.get(i).apply(x, bias, cache, i);
    }
    return lnF.apply(x);
  }

  /** Next-token logits (B, T, V) from hidden states (B, T, C), through the head tied to wte. */
  @Override
  public NDArray logits(NDArray hidden) {
    return Linear.linear(hidden, wte.weight()).head();
  }

  /** Position ids max(cumsum(mask) - 1, 0), (B, T) int64, as Hugging Face derives them. */
  public static NDArray positions(NDArray mask) {
    return mask.toType(DataType.INT64, false).cumSum(1).sub(1).maximum(0);
  }

  /**
   * Additive attention mask (B, 1, T, S) for T queries that are the last T of S keys: query t may
   * see key s iff s <= S - T + t (causal) and key s is not padding.
   */
  static NDArray attentionBias(NDArray keyMask, long t, DataType type) {
    long b = keyMask.getShape().get(0);
    long s = keyMask.getShape().get(1);
    NDArray keys = keyMask.toType(type, false).reshape(b, 1, s); // (B, 1, S)
    if (t == 1) {
      // A decode step: the one query sees every key, so the causal factor is all ones; skipping it
      // saves three engine ops per step and gives the same bits (x * 1 == x).
      return keys.sub(1).mul(-MASKED).expandDims(1); // (B, 1, 1, S)
    }
    float[] causal = new float[Math.toIntExact(t * s)];
    for (int q = 0; q < t; q++) {
      for (int k = 0; k <= s - t + q; k++) {
        causal[(int) (q * s + k)] = 1;
      }
    }
    NDManager m = keyMask.getManager();
    NDArray allowed = keys.mul(m.create(causal, new Shape(1, t, s)).toType(type, false)); // (B, T, S)
    return allowed.sub(1).mul(-MASKED).expandDims(1); // (B, 1, T, S)
  }

  /** DJL entry point: inputs (ids, mask), outputs (logits (B, T, V), hidden (B, T, C)). */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray hidden = hidden(inputs.get(0), inputs.get(1));
    return new NDList(logits(hidden), hidden);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    long t = inputShapes[0].get(1);
    return new Shape[] {
      new Shape(b, t, config.vocabSize()), new Shape(b, t, config.nEmbd())
    };
  }
}
