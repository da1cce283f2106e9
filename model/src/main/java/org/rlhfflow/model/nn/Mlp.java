package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import org.rlhfflow.model.GptConfig;

/** The position-wise feed-forward network: C -> 4C -> GELU -> C. */
public final class Mlp extends Module {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
  private final LinearLayer cFc;
  private final LinearLayer cProj;

  public Mlp(GptConfig cfg) {
    cFc = child("c_fc", new LinearLayer(cfg.nEmbd(), 4L * cfg.nEmbd(), cfg.bias()));
    cProj = child("c_proj", new LinearLayer(4L * cfg.nEmbd(), cfg.nEmbd(), cfg.bias()));
  }

  @Override
  public NDArray apply(NDArray x) {
    return cProj.apply(gelu(cFc.apply(x)));
  }

  /**
   * GELU with GPT-2's tanh approximation (Hendrycks and Gimpel 2016, eq. in section 2):
   * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). PyTorch's default GELU is the exact erf
   * form, which would not match GPT-2 checkpoints to 1e-4.
   */
  static NDArray gelu(NDArray x) {
    if (FusedKernels.enabled()) {
      return FusedKernels.geluTanh(x); // the same function in one kernel each way
    }
    return geluOps(x);
  }

  /** The same GELU op by op (with {@code RLHF_FUSED_KERNELS=0}, and for the tests). */
  static NDArray geluOps(NDArray x) {
    NDArray inner = Ops.mul(Ops.mul(x.mul(x).mul(x), 0.044715).add(x), SQRT_2_OVER_PI);
    return Ops.mul(Ops.add(inner.tanh(), 1).mul(x), 0.5);
  }
}
