package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import org.rlhfflow.model.GptConfig;

/** One pre-LayerNorm GPT-2 block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
public final class TransformerBlock extends Module {
  private final LayerNormLayer ln1;
  private final CausalSelfAttention attn;
  private final LayerNormLayer ln2;
  private final Mlp mlp;

  public TransformerBlock(GptConfig cfg) {
    ln1 = child("ln_1", new LayerNormLayer(cfg.nEmbd(), cfg.bias(), cfg.layerNormEps()));
    attn = child("attn", new CausalSelfAttention(cfg));
    ln2 = child("ln_2", new LayerNormLayer(cfg.nEmbd(), cfg.bias(), cfg.layerNormEps()));
    mlp = child("mlp", new Mlp(cfg));
  }

  /** (B, T, C) to (B, T, C); see {@link CausalSelfAttention#apply} for the other arguments. */
  public NDArray apply(NDArray x, NDArray bias, KvCache cache, int layer) {
    x = x.add(attn.apply(ln1.apply(x), bias, cache, layer));
    return x.add(mlp.apply(ln2.apply(x)));
  }
}
