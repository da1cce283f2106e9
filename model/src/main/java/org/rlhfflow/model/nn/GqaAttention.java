package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.rlhfflow.model.LlamaConfig;

/**
 * Grouped-query causal self-attention (Ainslie et al. 2023) with rotary positions: nKv key/value
 * heads, each shared by nHead / nKv query heads (1 = multi-query). The cache holds the nKv heads
 * after RoPE, so it is nHead / nKv times smaller than the expanded keys. Keys follow Hugging
 * Face's {@code LlamaAttention} ({@code q_proj}, ..., {@code o_proj}).
 */
public final class GqaAttention extends Module {
  private final LinearLayer q;
  private final LinearLayer k;
  private final LinearLayer v;
  private final LinearLayer o;
  private final int nHead;
  private final int nKv;
  private final int headDim;
  private final double scale;

  public GqaAttention(LlamaConfig cfg) {
    nHead = cfg.nHead();
    nKv = cfg.nKvHead();
    headDim = cfg.headDim();
    long c = cfg.hiddenSize();
    q = child("q_proj", new LinearLayer(c, (long) nHead * headDim, cfg.attentionBias()));
    k = child("k_proj", new LinearLayer(c, (long) nKv * headDim, cfg.attentionBias()));
    v = child("v_proj", new LinearLayer(c, (long) nKv * headDim, cfg.attentionBias()));
    o = child("o_proj", new LinearLayer((long) nHead * headDim, c, false));
    scale = 1.0 / Math.sqrt(headDim);
  }

  /**
   * @param x (B, T, C) normalised input for the T newest positions
   * @param rope the rotary embedding and its cos/sin (B, 1, T, hd) for these positions
   * @param bias (B, 1, T, S) additive mask, as in {@link CausalSelfAttention}
   * @param cache previous keys/values (S - T of them), or null when T == S
   */
  public NDArray apply(NDArray x, Rope rope, NDList cosSin, NDArray bias, KvCache cache, int layer) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray qh = rope.rotate(heads(q.apply(x), b, t, nHead), cosSin); // (B, nh, T, hd)
    NDArray kh = rope.rotate(heads(k.apply(x), b, t, nKv), cosSin); // (B, nkv, T, hd)
    NDArray vh = heads(v.apply(x), b, t, nKv); // (B, nkv, T, hd)
    if (cache != null) {
      NDArray[] kv = cache.append(layer, kh, vh);
      kh = kv[0]; // (B, nkv, S, hd)
      vh = kv[1]; // (B, nkv, S, hd)
    }
    kh = expand(kh); // (B, nh, S, hd)
    vh = expand(vh); // (B, nh, S, hd)
    NDArray y = CausalSelfAttention.attend(qh, kh, vh, bias, scale); // (B, nh, T, hd)
    return o.apply(y.transpose(0, 2, 1, 3).reshape(b, t, (long) nHead * headDim)); // (B, T, C)
  }

  private static NDArray heads(NDArray x, long b, long t, int n) {
    return x.reshape(b, t, n, -1).transpose(0, 2, 1, 3); // (B, n, T, hd)
  }

  /** transformers' repeat_kv: kv head j serves query heads j*r .. j*r + r - 1. */
  private NDArray expand(NDArray kv) {
    return nKv == nHead ? kv : kv.repeat(1, nHead / nKv); // (B, nh, S, hd)
  }
}
