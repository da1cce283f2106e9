package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/**
 * y = x W^T + b with W stored (out, in) as in torch.nn.Linear. Hugging Face GPT-2 stores its
 * Conv1D weights (in, out); {@code HfGpt2} transposes on import and export.
 */
public final class LinearLayer extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final long in;
  private final long out;
  private Delta delta;

  /**
   * A low-rank update added to this layer's output, such as a LoRA adapter; {@code null} removes
   * it. The layer's own weight and bias, and so its checkpoint keys, stay as they are.
   */
  public interface Delta {
    /** The update for input x (..., in), shaped like the layer's output (..., out); or null for none. */
    NDArray apply(NDArray x);
  }

  public void setDelta(Delta delta) {
    this.delta = delta;
  }

  public long inFeatures() {
    return in;
  }

  public long outFeatures() {
    return out;
  }

  public NDArray weight() {
    return weight.getArray();
  }

  public LinearLayer(long in, long out, boolean hasBias) {
    this.in = in;
    this.out = out;
    weight = param("weight", new Shape(out, in));
    bias = hasBias ? param("bias", new Shape(out)) : null;
  }

  @Override
  public NDArray apply(NDArray x) {
    // DJL's linear puts the result on x's manager, so nothing leaks into the model's manager.
    NDArray y =
        bias == null
            ? Linear.linear(x, weight.getArray()).head()
            : Linear.linear(x, weight.getArray(), bias.getArray()).head();
    NDArray d = delta == null ? null : delta.apply(x);
    return d == null ? y : y.add(d);
  }
}
