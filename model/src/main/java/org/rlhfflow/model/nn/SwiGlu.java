package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The SwiGLU feed-forward network (Shazeer 2020, eq. 6): down(silu(gate(x)) * up(x)), C -> I ->
 * C, without biases. Keys follow Hugging Face's {@code LlamaMLP}.
 */
public final class SwiGlu extends Module {
  private final LinearLayer gate;
  private final LinearLayer up;
  private final LinearLayer down;

  public SwiGlu(long hidden, long intermediate) {
    gate = child("gate_proj", new LinearLayer(hidden, intermediate, false));
    up = child("up_proj", new LinearLayer(hidden, intermediate, false));
    down = child("down_proj", new LinearLayer(intermediate, hidden, false));
  }

  @Override
  public NDArray apply(NDArray x) {
    NDArray g = gate.apply(x); // (B, T, I)
    return down.apply(g.mul(Activation.sigmoid(g)).mul(up.apply(x)));
  }
}
