package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.rlhfflow.model.LlamaConfig;

/** One pre-RMSNorm Llama layer: x + attn(norm(x)), then x + mlp(norm(x)). */
public final class LlamaBlock extends Module {
  private final RmsNorm inputNorm;
  private final GqaAttention attn;
  private final RmsNorm postNorm;
  private final SwiGlu mlp;

  public LlamaBlock(LlamaConfig cfg) {
    inputNorm = child("input_layernorm", new RmsNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
    attn = child("self_attn", new GqaAttention(cfg));
    postNorm = child("post_attention_layernorm", new RmsNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
    mlp = child("mlp", new SwiGlu(cfg.hiddenSize(), cfg.intermediateSize()));
  }

  /** (B, T, C) to (B, T, C); see {@link GqaAttention#apply} for the other arguments. */
  public NDArray apply(NDArray x, Rope rope, NDList cosSin, NDArray bias, KvCache cache, int layer) {
    x = x.add(attn.apply(inputNorm.apply(x), rope, cosSin, bias, cache, layer));
    return x.add(mlp.apply(postNorm.apply(x)));
  }
}
