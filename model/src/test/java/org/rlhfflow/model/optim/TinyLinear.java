package org.rlhfflow.model.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.SplittableRandom;

/** A DJL Linear(3 -> 2) with weights seeded by {@code seed} and one fixed regression batch. */
final class TinyLinear {
  private static final long DATA_SEED = 1234;

  final Linear block;
  final NDManager manager;
  private final NDArray x;
  private final NDArray y;

  TinyLinear(NDManager manager, long seed) {
    this.manager = manager;
    block = Linear.builder().setUnits(2).build();
    block.initialize(manager, DataType.FLOAT32, new Shape(4, 3));
    SplittableRandom rnd = new SplittableRandom(seed);
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray w = p.getValue().getArray();
      float[] vals = new float[(int) w.size()];
      for (int i = 0; i < vals.length; i++) {
        vals[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
      w.set(vals);
    }
    SplittableRandom data = new SplittableRandom(DATA_SEED); // same batch for every net
    x = manager.create(uniform(data, 12), new Shape(4, 3));
    y = manager.create(uniform(data, 8), new Shape(4, 2));
  }

  ParameterList params() {
    return block.getParameters();
  }

  /** One forward/backward of the squared error in its own collector; grads add to .grad. */
  void backward() {
    try (NDManager step = manager.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray xs = x.duplicate();
      xs.attach(step);
      NDArray out = block.forward(new ParameterStore(step, false), new NDList(xs), true).head();
      gc.backward(out.sub(y).square().sum());
    }
  }

  float[] grad(String name) {
    try (NDArray g = params().get(name).getArray().getGradient()) {
      return g.toFloatArray();
    }
  }

  float[] value(String name) {
    return params().get(name).getArray().toFloatArray();
  }

  private static float[] uniform(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }
}
