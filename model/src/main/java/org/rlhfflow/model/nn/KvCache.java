package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the tokens seen so far, (B, nh, S, hs) each, so that a decode
 * step only computes the new token's projections. Owns its arrays in its own sub-manager.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;

  public KvCache(NDManager parent, int nLayer) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[nLayer];
    this.values = new NDArray[nLayer];
  }

  /** Number of cached positions S (0 before the first forward). */
  public long length() {
    return keys[keys.length - 1] == null ? 0 : keys[keys.length - 1].getShape().get(2);
  }

  /**
   * A new cache on {@code parent} holding this single-row cache's positions repeated for {@code
   * batch} rows: a prefix that many sequences share is computed once and then extended per row
   * (the judge's preamble, for one). This cache is left unchanged.
   */
  public KvCache broadcast(NDManager parent, int batch) {
    if (length() == 0 || keys[0].getShape().get(0) != 1) {
      throw new IllegalStateException("broadcast needs a filled single-row cache, got shape "
          + (keys[0] == null ? "empty" : keys[0].getShape()));
    }
    KvCache out = new KvCache(parent, keys.length);
    for (int layer = 0; layer < keys.length; layer++) {
      out.keys[layer] = keys[layer].repeat(0, batch); // (B, nh, S, hs)
      out.keys[layer].attach(out.manager);
      out.values[layer] = values[layer].repeat(0, batch);
      out.values[layer].attach(out.manager);
    }
    return out;
  }

  /** Appends this step's k, v (B, nh, T, hs) to layer {@code layer}; returns the full (B, nh, S, hs). */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    keys[layer] = concatAndOwn(keys[layer], k);
    values[layer] = concatAndOwn(values[layer], v);
    return new NDArray[] {keys[layer], values[layer]};
  }

  private NDArray concatAndOwn(NDArray old, NDArray step) {
    NDArray full = old == null ? step : old.concat(step, 2); // (B, nh, S, hs)
    full.attach(manager);
    if (old != null) {
      old.close();
    }
    return full;
  }

  @Override
  public void close() {
    manager.close();
  }
}
