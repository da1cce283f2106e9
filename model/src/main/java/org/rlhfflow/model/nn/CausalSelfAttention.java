package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.rlhfflow.model.GptConfig;

/** Multi-head causal self-attention (Vaswani et al. 2017), with an optional KV cache. */
public final class CausalSelfAttention extends Module {
  private final LinearLayer cAttn;
  private final LinearLayer cProj;
  private final int nHead;
  private final int headSize;
  private final double scale;

  public CausalSelfAttention(GptConfig cfg) {
    cAttn = child("c_attn", new LinearLayer(cfg.nEmbd(), 3L * cfg.nEmbd(), cfg.bias()));
    cProj = child("c_proj", new LinearLayer(cfg.nEmbd(), cfg.nEmbd(), cfg.bias()));
    nHead = cfg.nHead();
    headSize = cfg.headSize();
    scale = 1.0 / Math.sqrt(headSize);
  }

  /**
   * @param x (B, T, C) normalised input for the T newest positions
   * @param bias (B, 1, T, S) additive mask: 0 where query t may attend key s, -1e9 elsewhere
   * @param cache previous keys/values (S - T of them), or null when T == S
   * @param layer this block's index into the cache
   */
  public NDArray apply(NDArray x, NDArray bias, KvCache cache, int layer) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDList qkv = cAttn.apply(x).split(3, 2); // 3 x (B, T, C)
    NDArray q = heads(qkv.get(0), b, t); // (B, nh, T, hs)
    NDArray k = heads(qkv.get(1), b, t); // (B, nh, T, hs)
    NDArray v = heads(qkv.get(2), b, t); // (B, nh, T, hs)
    if (cache != null) {
      NDArray[] kv = cache.append(layer, k, v);
      k = kv[0]; // (B, nh, S, hs)
      v = kv[1]; // (B, nh, S, hs)
    }
    NDArray y = attend(q, k, v, bias, scale); // (B, nh, T, hs)
    y = y.transpose(0, 2, 1, 3).reshape(b, t, (long) nHead * headSize); // (B, T, C)
    return cProj.apply(y);
  }

  /**
   * softmax(q k^T * scale + bias) v, (B, nh, T, hs): in one fused kernel each way when {@link
   * FusedKernels} is on (its scale is 1 / sqrt(hs), which every caller uses), else op by op.
   */
  static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, double scale) {
    if (FusedKernels.enabled()) {
      return FusedKernels.attention(q, k, v, bias);
    }
    return attendOps(q, k, v, bias, scale);
  }

  /** The same attention op by op (with {@code RLHF_FUSED_KERNELS=0}, and for the tests). */
  static NDArray attendOps(NDArray q, NDArray k, NDArray v, NDArray bias, double scale) {
    NDArray att = Ops.mul(q.matMul(k.transpose(0, 1, 3, 2)), scale).add(bias); // (B, nh, T, S)
    return att.softmax(-1).matMul(v);
  }

  private NDArray heads(NDArray x, long b, long t) {
    return x.reshape(b, t, nHead, headSize).transpose(0, 2, 1, 3); // (B, nh, T, hs)
  }
}
