package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;

/** A lookup table (num, dim): token embeddings {@code wte} or position embeddings {@code wpe}. */
public final class EmbeddingLayer extends Module {
  private final Parameter weight;

  public EmbeddingLayer(long num, long dim) {
    weight = param("weight", new Shape(num, dim));
  }

  /** (B, T) int64 ids to (B, T, dim). */
  @Override
  public NDArray apply(NDArray ids) {
    NDArray idx = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
    return Embedding.embedding(idx, weight.getArray(), SparseFormat.DENSE).head();
  }

  public NDArray weight() {
    return weight.getArray();
  }
}
