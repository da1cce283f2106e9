package org.rlhfflow.model.gen;

import java.util.Arrays;

/** The token grid, mask, positions and per-row status of one batched decode, in plain Java. */
final class DecodeState {
  private final GenerationConfig cfg;
  private final int batch;
  private final int promptWidth;
  private final int[] promptLen;
  private final long[][] tokens; // (B, W)
  private final float[][] mask; // (B, W)
  private final long[][] positions; // (B, W)
  private final int[] responseLen;
  private final boolean[] eos;
  private int width;

  DecodeState(int[][] prompts, GenerationConfig cfg, int blockSize) {
    this.cfg = cfg;
    this.batch = prompts.length;
    if (batch == 0) {
      throw new IllegalArgumentException("no prompts");
    }
    promptLen = new int[batch];
    int p = 0;
    for (int b = 0; b < batch; b++) {
      if (prompts[b].length == 0) {
        throw new IllegalArgumentException("prompt " + b + " is empty; start it with BOS");
      }
      promptLen[b] = prompts[b].length;
      p = Math.max(p, promptLen[b]);
    }
    if (p + cfg.maxNewTokens() > blockSize) {
      throw new IllegalArgumentException(
          "prompt width " + p + " + maxNewTokens " + cfg.maxNewTokens() + " exceeds blockSize " + blockSize);
    }
    promptWidth = p;
    int cap = p + cfg.maxNewTokens();
    tokens = new long[batch][cap];
    mask = new float[batch][cap];
    positions = new long[batch][cap];
    for (int b = 0; b < batch; b++) {
      int pad = p - promptLen[b];
      Arrays.fill(tokens[b], cfg.padId());
      for (int t = 0; t < promptLen[b]; t++) {
        tokens[b][pad + t] = prompts[b][t];
        mask[b][pad + t] = 1;
        positions[b][pad + t] = t;
      }
    }
    responseLen = new int[batch];
    eos = new boolean[batch];
    width = p;
  }

  int batch() {
    return batch;
  }

  /** The widest the grid grows: the prompt width plus maxNewTokens. */
  int capacity() {
    return tokens[0].length;
  }

  int width() {
    return width;
  }

  boolean finished(int b) {
    return eos[b] || responseLen[b] >= cfg.maxNewTokens();
  }

  boolean done() {
    for (int b = 0; b < batch; b++) {
      if (!finished(b)) {
        return false;
      }
    }
    return true;
  }

  /** Appends one column: next[b] for live rows (pad, masked out, for finished ones). */
  void append(int[] next) {
    for (int b = 0; b < batch; b++) {
      tokens[b][width] = next[b];
      if (!finished(b)) {
        mask[b][width] = 1;
        positions[b][width] = promptLen[b] + responseLen[b];
        responseLen[b]++;
        eos[b] = cfg.stops(next[b]);
      }
    }
    width++;
  }

  long[] ids(int from) {
    return flatten(tokens, from);
  }

  long[] positions(int from) {
    return flatten(positions, from);
  }

  float[] mask() {
    float[] out = new float[batch * width];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(mask[b], 0, out, b * width, width);
    }
    return out;
  }

  private long[] flatten(long[][] grid, int from) {
    int n = width - from;
    long[] out = new long[batch * n];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(grid[b], from, out, b * n, n);
    }
    return out;
  }

  Generation result() {
    int[][] out = new int[batch][width];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < width; t++) {
        out[b][t] = (int) tokens[b][t];
      }
    }
    return new Generation(out, promptWidth, promptLen.clone(), responseLen.clone(), eos.clone(), cfg.padId());
  }
}
