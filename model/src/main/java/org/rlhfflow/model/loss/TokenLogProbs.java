package org.rlhfflow.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Per-token log-probs of given tokens under next-token logits, with the one-position shift made
 * explicit.
 *
 * <p>A causal LM's logits at position t predict token t+1, so entry t of the result is
 * log p(token t | tokens &lt; t) read from logits at position t−1. Entry 0 has no prediction and
 * is 0; masks must therefore never select position 0 (they do not: position 0 is a prompt token).
 * For PPO sample with the same temperature you score with: divide logits by it first (TRL does).
 */
public final class TokenLogProbs {
  private TokenLogProbs() {}

  /**
   * @param logits (B,T,V) next-token logits
   * @param tokens (B,T) token ids (any integer type)
   * @return (B,T) float32 log-probs, differentiable with respect to {@code logits}
   */
  public static NDArray gather(NDArray logits, NDArray tokens) {
    long[] ls = logits.getShape().getShape();
    long[] ts = tokens.getShape().getShape();
    if (ls.length != 3 || ts.length != 2 || ls[0] != ts[0] || ls[1] != ts[1]) {
      throw new IllegalArgumentException(
          "need logits (B,T,V) and tokens (B,T), got logits " + logits.getShape() + " and tokens "
              + tokens.getShape());
    }
    NDArray logProbs = logits.get(":, :-1, :").toType(DataType.FLOAT32, false).logSoftmax(2);
    NDArray next = tokens.get(":, 1:").toType(DataType.INT64, false).expandDims(2); // (B, T-1, 1)
    NDArray picked = logProbs.gather(next, 2).squeeze(2); // (B, T-1)
    NDArray first = logits.getManager().zeros(new ai.djl.ndarray.types.Shape(ls[0], 1));
    return NDArrays.concat(new ai.djl.ndarray.NDList(first, picked), 1); // (B, T)
  }

  /** Sum of per-token log-probs over masked tokens: (B,T) → (B), the log-prob of each response. */
  public static NDArray sequenceSum(NDArray logp, NDArray mask) {
    Masked.requireSameShape("logp", logp, "mask", mask);
    return logp.mul(mask).sum(new int[] {1});
  }
}
