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

  public LinearLayer(long in, long out, boolean hasBias) {
    weight = param("weight", new Shape(out, in));
    bias = hasBias ? param("bias", new Shape(out)) : null;
  }

  @Override
  public NDArray apply(NDArray x) {
    // DJL's linear puts the result on x's manager, so nothing leaks into the model's manager.
    return bias == null
        ? Linear.linear(x, weight.getArray()).head()
        : Linear.linear(x, weight.getArray(), bias.getArray()).head();
  }
}
