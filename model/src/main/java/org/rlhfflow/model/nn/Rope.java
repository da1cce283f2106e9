package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rlhfflow.model.LlamaConfig;

/**
 * Rotary position embeddings (Su et al. 2021) in Hugging Face's "rotate half" layout: dimension i
 * pairs with i + hd/2 and turns by position * invFreq[i mod hd/2], with invFreq[i] = theta^(-2i/hd)
 * and Llama 3's rescaling of the low frequencies when configured.
 */
public final class Rope {
  private final float[] invFreq;
  private final int headDim;

  public Rope(LlamaConfig cfg) {
    headDim = cfg.headDim();
    invFreq = new float[headDim / 2];
    for (int i = 0; i < invFreq.length; i++) {
      // float32 exponent and power, as transformers computes inv_freq
      float exponent = (float) (2 * i) / headDim;
      invFreq[i] = (float) (1.0 / Math.pow((float) cfg.ropeTheta(), exponent));
    }
    if (cfg.ropeScaling() != null) {
      llama3(invFreq, cfg.ropeScaling());
    }
  }

  /** transformers' _compute_llama3_parameters, element by element. */
  static void llama3(float[] inv, LlamaConfig.RopeScaling s) {
    double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
    double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      if (wavelen > lowWavelen) {
        inv[i] = (float) (inv[i] / s.factor());
      } else if (wavelen >= highWavelen) {
        double smooth =
            (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                / (s.highFreqFactor() - s.lowFreqFactor());
        inv[i] = (float) ((1 - smooth) * inv[i] / s.factor() + smooth * inv[i]);
      }
    }
  }

  /** cos and sin (B, 1, T, hd) for positions (B, T), in x's data type. */
  public NDList angles(NDArray positions, DataType type) {
    long b = positions.getShape().get(0);
    long t = positions.getShape().get(1);
    NDArray inv = positions.getManager().create(invFreq, new Shape(1, 1, invFreq.length));
    NDArray freqs = positions.toType(DataType.FLOAT32, false).reshape(b, t, 1).mul(inv); // (B, T, hd/2)
    NDArray emb = freqs.concat(freqs, -1).expandDims(1); // (B, 1, T, hd)
    return new NDList(emb.cos().toType(type, false), emb.sin().toType(type, false));
  }

  /** x (B, h, T, hd) rotated: x * cos + rotate_half(x) * sin. */
  public NDArray rotate(NDArray x, NDList cosSin) {
    int half = headDim / 2;
    NDArray x1 = x.get(new NDIndex("..., :" + half)); // (B, h, T, hd/2)
    NDArray x2 = x.get(new NDIndex("..., " + half + ":")); // (B, h, T, hd/2)
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1); // (B, h, T, hd)
    return x.mul(cosSin.get(0)).add(rotated.mul(cosSin.get(1)));
  }
}
