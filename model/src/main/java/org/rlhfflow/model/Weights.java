package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.nn.Init;
import org.rlhfflow.model.nn.Parameterized;

/** Moving parameter arrays in and out of a module or decoder by checkpoint key. */
public final class Weights {
  private Weights() {}

  /** A copy of {@code src} on {@code manager} that shares no autograd history with it. */
  public static NDArray detachedCopy(NDArray src, NDManager manager) {
    return manager.create(src.toByteBuffer(), src.getShape(), src.getDataType());
  }

  /** The live arrays of {@code module}'s parameters, by key. */
  public static LinkedHashMap<String, NDArray> arrays(Parameterized module) {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    module.namedParameters().forEach((k, p) -> out.put(k, p.getArray()));
    return out;
  }

  /**
   * Gives every parameter of a fresh {@code module} a copy of {@code weights.get(key)} on {@code
   * manager}; keys outside the module are ignored, missing keys and shape mismatches throw.
   */
  public static void assign(Parameterized module, Map<String, NDArray> weights, NDManager manager) {
    Map<String, Shape> shapes = module.parameterShapes();
    for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
      NDArray src = weights.get(e.getKey());
      if (src == null) {
        throw new IllegalArgumentException("missing weight '" + e.getKey() + "'");
      }
      if (!src.getShape().equals(shapes.get(e.getKey()))) {
        throw new IllegalArgumentException(
            "weight '" + e.getKey() + "' has shape " + src.getShape() + ", expected " + shapes.get(e.getKey()));
      }
      Init.setArray(e.getValue(), detachedCopy(src, manager));
    }
  }
}
