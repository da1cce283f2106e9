package org.rlhfflow.model.gen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The result of {@link Generator#generate}: plain Java arrays, so it can cross threads and be
 * logged. Row b of {@code tokens} is [pads | prompt (promptLen[b]) | response (responseLen[b]) |
 * pads]: the prompt left-padded to a common width P, then the response right-padded to N.
 *
 * @param tokens (B, P + N) token ids
 * @param promptWidth P, the left-padded prompt width shared by all rows
 * @param promptLen real prompt tokens per row
 * @param responseLen generated tokens per row, EOS included
 * @param endedWithEos whether the row stopped on EOS or another stop id (else it hit maxNewTokens)
 * @param padId the id in padded positions
 */
public record Generation(
    int[][] tokens,
    int promptWidth,
    int[] promptLen,
    int[] responseLen,
    boolean[] endedWithEos,
    int padId) {

  public int batchSize() {
    return tokens.length;
  }

  /**
   * The share of the (B, P + N) token grid that is padding: left pads of prompts shorter than the
   * longest, and right pads after responses that ended before the longest. Decoding and every
   * forward pass over the batch compute those positions too.
   */
  public double paddingWaste() {
    long grid = gridCells();
    return grid == 0 ? 0 : (double) paddedCells() / grid;
  }

  /** Cells of the (B, P + N) token grid. */
  public long gridCells() {
    return (long) tokens.length * (tokens.length == 0 ? 0 : tokens[0].length);
  }

  /** Cells of the grid that hold padding, not a prompt or response token. */
  public long paddedCells() {
    long real = 0;
    for (int b = 0; b < tokens.length; b++) {
      real += promptLen[b] + responseLen[b];
    }
    return gridCells() - real;
  }

  /** The generated tokens of row b, EOS included. */
  public int[] response(int b) {
    return Arrays.copyOfRange(tokens[b], promptWidth, promptWidth + responseLen[b]);
  }

  /** The prompt tokens of row b, without padding. */
  public int[] prompt(int b) {
    return Arrays.copyOfRange(tokens[b], promptWidth - promptLen[b], promptWidth);
  }

  /**
   * The batch as NDArrays on {@code manager}: input_ids (B, W) int64, attention_mask (B, W)
   * float32 (1 on prompt and response tokens), response_mask (B, W) float32 (1 on response tokens).
   */
  public Batch toBatch(NDManager manager) {
    int b = tokens.length;
    int w = tokens[0].length;
    long[] ids = new long[b * w];
    float[] attention = new float[b * w];
    float[] response = new float[b * w];
    for (int i = 0; i < b; i++) {
      for (int t = 0; t < w; t++) {
        ids[i * w + t] = tokens[i][t];
        boolean inPrompt = t >= promptWidth - promptLen[i] && t < promptWidth;
        boolean inResponse = t >= promptWidth && t < promptWidth + responseLen[i];
        attention[i * w + t] = inPrompt || inResponse ? 1 : 0;
        response[i * w + t] = inResponse ? 1 : 0;
      }
    }
    Shape shape = new Shape(b, w);
    return new Batch(
        manager.create(ids, shape),
        manager.create(attention, shape),
        manager.create(response, shape));
  }

  /** input_ids (B, W) int64, attention_mask and response_mask (B, W) float32. */
  public record Batch(NDArray inputIds, NDArray attentionMask, NDArray responseMask)
      implements AutoCloseable {
    public DataType maskType() {
      return attentionMask.getDataType();
    }

    @Override
    public void close() {
      inputIds.close();
      attentionMask.close();
      responseMask.close();
    }
  }
}
