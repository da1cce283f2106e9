package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose parameters have stable, Hugging Face GPT-2 style checkpoint keys ({@code
 * h.0.attn.c_attn.weight}). DJL numbers its child names ({@code 01wte}), so the keys come from
 * this class's own registry instead; they never change once chosen.
 *
 * <p>Parameter arrays are set directly (see {@link Init}), not through DJL's initializers, so that
 * weights come from seeded Java randoms. Forward passes read {@link Parameter#getArray()} directly:
 * a model lives on one device.
 */
public abstract class Module extends AbstractBlock implements Parameterized {
  private final LinkedHashMap<String, Module> named = new LinkedHashMap<>();
  private final LinkedHashMap<String, Shape> shapes = new LinkedHashMap<>();

  protected final <M extends Module> M child(String name, M module) {
    named.put(name, module);
    addChildBlock(name, module);
    return module;
  }

  protected final Parameter param(String name, Shape shape) {
    shapes.put(name, shape);
    return addParameter(
        Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build());
  }

  /** Adds this module's parameters to {@code out} as {@code prefix + key}, in definition order. */
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      out.put(prefix + e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Module> e : named.entrySet()) {
      e.getValue().collectParameters(prefix + e.getKey() + ".", out);
    }
  }

  /** All parameters keyed by checkpoint key. */
  @Override
  public LinkedHashMap<String, Parameter> namedParameters() {
    LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
    collectParameters("", out);
    return out;
  }

  /** Adds the expected shape of every parameter to {@code out}, keyed like the parameters. */
  public void collectShapes(String prefix, Map<String, Shape> out) {
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      out.put(prefix + e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Module> e : named.entrySet()) {
      e.getValue().collectShapes(prefix + e.getKey() + ".", out);
    }
  }

  /**
   * All parameters under their checkpoint keys ({@code h.0.attn.c_attn.weight}), replacing DJL's
   * numbered names ({@code 03h.0_01ln_1_weight}), so an optimizer built over {@code
   * getParameters()} names its state ({@code optim.m.<key>}) like the checkpoint.
   */
  @Override
  public ParameterList getParameters() {
    return new ParameterList(namedParameters());
  }

  /** This module and every descendant by key prefix ("" for this one, {@code model.layers.0.mlp}). */
  public LinkedHashMap<String, Module> namedModules() {
    LinkedHashMap<String, Module> out = new LinkedHashMap<>();
    collectModules("", out);
    return out;
  }

  private void collectModules(String key, Map<String, Module> out) {
    out.put(key, this);
    for (Map.Entry<String, Module> e : named.entrySet()) {
      e.getValue().collectModules(key.isEmpty() ? e.getKey() : key + "." + e.getKey(), out);
    }
  }

  /** Expected parameter shapes, keyed by checkpoint key. */
  @Override
  public LinkedHashMap<String, Shape> parameterShapes() {
    LinkedHashMap<String, Shape> out = new LinkedHashMap<>();
    collectShapes("", out);
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes; // every sub-layer here maps (B, T, C) to (B, T, C')
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }

  /** The layer's function on one array; sub-layers override it. */
  public ai.djl.ndarray.NDArray apply(ai.djl.ndarray.NDArray x) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no 1-input forward");
  }

  /** The data type of the parameters (FLOAT32 normally, FLOAT64 for gradient checks). */
  public DataType dataType() {
    return namedParameters().values().iterator().next().getArray().getDataType();
  }
}
