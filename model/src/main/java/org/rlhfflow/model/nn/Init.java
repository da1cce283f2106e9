package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Map;
import java.util.SplittableRandom;
import org.rlhfflow.model.Seeds;

/**
 * GPT-2 initialisation from seeded Java randoms, never the engine RNG: weights N(0, 0.02), the
 * residual projections ({@code c_proj}; Llama's {@code o_proj}, {@code down_proj}) N(0, 0.02 /
 * sqrt(2 L)) (Radford et al. 2019, section 2.3; nanoGPT), biases 0, LayerNorm and RMSNorm gains
 * 1. Each tensor draws from its own stream derived from (seed, key), so adding a layer or a head
 * never changes the other tensors' values.
 */
public final class Init {
  private static final double STD = 0.02;

  private Init() {}

  /** Sets every parameter of {@code module} to a fresh array on {@code manager}. */
  public static void initialize(
      Parameterized module, NDManager manager, long seed, int nLayer, DataType type) {
    Map<String, Shape> shapes = module.parameterShapes();
    for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
      String key = e.getKey();
      double[] values = values(key, shapes.get(key), seed, nLayer);
      NDArray array = manager.create(values, shapes.get(key));
      if (type != DataType.FLOAT64) {
        NDArray cast = array.toType(type, false);
        array.close();
        array = cast;
      }
      setArray(e.getValue(), array);
    }
  }

  /** Makes {@code array} the value of {@code p} and marks it trainable. */
  public static void setArray(Parameter p, NDArray array) {
    array.setRequiresGradient(true);
    p.setArray(array);
  }

  static double[] values(String key, Shape shape, long seed, int nLayer) {
    double[] v = new double[Math.toIntExact(shape.size())];
    if (key.endsWith(".bias")) {
      return v;
    }
    if (key.contains("ln_") || key.endsWith("norm.weight")) { // GPT-2 LayerNorm, Llama RMSNorm gains
      java.util.Arrays.fill(v, 1.0);
      return v;
    }
    boolean residual =
        key.endsWith("c_proj.weight") || key.endsWith("o_proj.weight") || key.endsWith("down_proj.weight");
    double std = residual ? STD / Math.sqrt(2.0 * nLayer) : STD;
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "init", key));
    for (int i = 0; i < v.length; i += 2) {
      // Box-Muller: two normals per pair of uniforms; our own, so no JDK version changes them.
      double r = Math.sqrt(-2 * Math.log(1 - rng.nextDouble()));
      double theta = 2 * Math.PI * rng.nextDouble();
      v[i] = std * r * Math.cos(theta);
      if (i + 1 < v.length) {
        v[i + 1] = std * r * Math.sin(theta);
      }
    }
    return v;
  }
}
