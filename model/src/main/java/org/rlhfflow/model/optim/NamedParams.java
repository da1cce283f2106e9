package org.rlhfflow.model.optim;

import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/** The trainable parameters of a {@link ParameterList}, checked once. */
final class NamedParams {
  private NamedParams() {}

  /** Parameters that require a gradient, in list order; frozen ones are left out. */
  static List<Pair<String, Parameter>> trainable(ParameterList params) {
    if (params == null || params.isEmpty()) {
      throw new IllegalArgumentException("parameter list is empty");
    }
    List<Pair<String, Parameter>> out = new ArrayList<>();
    for (Pair<String, Parameter> p : params) {
      if (!p.getValue().isInitialized()) {
        throw new IllegalArgumentException(
            "parameter " + p.getKey() + " is not initialized; initialize the block first");
      }
      if (p.getValue().requiresGradient()) {
        out.add(p);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no parameter requires a gradient (all frozen?)");
    }
    return out;
  }
}
