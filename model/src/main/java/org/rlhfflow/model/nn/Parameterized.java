package org.rlhfflow.model.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;

/** Anything whose parameters have checkpoint keys: a {@link Module} or a whole decoder. */
public interface Parameterized {
  /** All parameters keyed by checkpoint key, in definition order. */
  LinkedHashMap<String, Parameter> namedParameters();

  /** Expected parameter shapes, keyed like {@link #namedParameters()}. */
  LinkedHashMap<String, Shape> parameterShapes();
}
