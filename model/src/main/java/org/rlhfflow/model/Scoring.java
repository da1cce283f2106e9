package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Per-token log-probabilities and entropies from logits, differentiable (PPO's ratio and DPO's
 * implicit reward backpropagate through them).
 *
 * <p>Alignment: [b, t] scores token t given tokens before it, from the logits at t - 1. It is 0
 * where it is undefined: at t = 0, at pad tokens, and at the first real token of a left-padded row
 * (its context is only padding). Sum over a response mask to get sequence log-probs.
 */
public final class Scoring {
  private Scoring() {}

  /** log p(ids[b,t] | ids[b,<t]) as (B, T); logits (B, T, V), ids and mask (B, T). */
  public static NDArray tokenLogprobs(NDArray logits, NDArray ids, NDArray mask) {
    NDArray logp = logits.get(":, :-1, :").logSoftmax(-1); // (B, T-1, V)
    NDArray next = ids.get(":, 1:").toType(DataType.INT64, false).expandDims(2); // (B, T-1, 1)
    return alignAndMask(logp.gather(next, 2).squeeze(2), mask); // (B, T)
  }

  /** Log-probs and the entropy of each predictive distribution, both (B, T), same alignment. */
  public static TokenScores score(NDArray logits, NDArray ids, NDArray mask, boolean entropy) {
    NDArray logp = logits.get(":, :-1, :").logSoftmax(-1); // (B, T-1, V)
    NDArray next = ids.get(":, 1:").toType(DataType.INT64, false).expandDims(2); // (B, T-1, 1)
    NDArray lp = alignAndMask(logp.gather(next, 2).squeeze(2), mask); // (B, T)
    if (!entropy) {
      return new TokenScores(lp, null);
    }
    NDArray h = logp.exp().mul(logp).sum(new int[] {-1}).neg(); // (B, T-1)
    return new TokenScores(lp, alignAndMask(h, mask));
  }

  /** Prepends a zero column to (B, T-1) values and zeroes positions t where mask[t]·mask[t-1] = 0. */
  private static NDArray alignAndMask(NDArray values, NDArray mask) {
    long b = values.getShape().get(0);
    DataType type = values.getDataType();
    NDArray m = mask.toType(type, false);
    NDArray valid = m.get(":, 1:").mul(m.get(":, :-1")); // (B, T-1)
    NDArray zero = values.getManager().zeros(new Shape(b, 1), type);
    return zero.concat(values.mul(valid), 1); // (B, T)
  }

  /** Per-token log-probs (B, T) and entropies (B, T, or null if not requested). */
  public record TokenScores(NDArray logprobs, NDArray entropy) {}
}
