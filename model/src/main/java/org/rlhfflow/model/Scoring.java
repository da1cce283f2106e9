package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * Per-token log-probabilities and entropies from logits, differentiable (PPO's ratio and DPO's
 * implicit reward backpropagate through them).
 *
 * <p>Alignment: [b, t] scores token t given tokens before it, from the logits at t - 1. It is 0
 * where it is undefined: at t = 0, at pad tokens, and at the first real token of a left-padded row
 * (its context is only padding). Sum over a response mask to get sequence log-probs.
 *
 * <p>Memory: log p(x_t) is computed as logit[x_t] - logsumexp(logits), a gather minus a reduction,
 * never as a full (B, T, V) log-softmax, and in row chunks of at most {@link #CHUNK_ELEMENTS}
 * logits, so the peak is one chunk's temporaries instead of several (B, T, V) copies (13 GB each at
 * GPT-2 small scale, B = 64, T = 1024). {@link #scoreHidden} goes further and computes the logits
 * themselves chunk by chunk from the hidden states.
 */
public final class Scoring {
  /** Logits per chunk at most: 2^26 floats, 256 MB, about one GPT-2-small row of 1024 tokens. */
  public static final long CHUNK_ELEMENTS = 1L << 26;

  private Scoring() {}

  /** log p(ids[b,t] | ids[b,<t]) as (B, T); logits (B, T, V), ids and mask (B, T). */
  public static NDArray tokenLogprobs(NDArray logits, NDArray ids, NDArray mask) {
    return score(logits, ids, mask, false).logprobs();
  }

  /** Log-probs and the entropy of each predictive distribution, both (B, T), same alignment. */
  public static TokenScores score(NDArray logits, NDArray ids, NDArray mask, boolean entropy) {
    return scoreHidden(logits, UnaryOperator.identity(), ids, mask, entropy, rowsPerChunk(logits.getShape()));
  }

  /**
   * Scores from hidden states (B, T, C) through {@code head}, which maps a row chunk of hidden
   * states to its logits (b, T, V) (temperature and blocked tokens applied there), so at most one
   * chunk of logits exists at a time.
   */
  public static TokenScores scoreHidden(NDArray hidden, UnaryOperator<NDArray> head, NDArray ids,
      NDArray mask, boolean entropy, long rowsPerChunk) {
    long b = hidden.getShape().get(0);
    NDList lp = new NDList();
    NDList h = new NDList();
    for (long from = 0; from < b; from += rowsPerChunk) {
      String rows = from + ":" + Math.min(b, from + rowsPerChunk);
      NDArray logits = head.apply(hidden.get(rows)).get(":, :-1, :"); // (b, T-1, V)
      NDArray next = ids.get(rows).get(":, 1:").toType(DataType.INT64, false).expandDims(2); // (b, T-1, 1)
      NDArray max = logits.max(new int[] {-1}, true).stopGradient(); // (b, T-1, 1)
      NDArray shifted = logits.sub(max); // (b, T-1, V)
      NDArray sumExp = shifted.exp().sum(new int[] {-1}, true); // (b, T-1, 1)
      NDArray lse = sumExp.log(); // (b, T-1, 1), logsumexp minus max
      lp.add(shifted.gather(next, 2).sub(lse).squeeze(2)); // (b, T-1)
      if (entropy) {
        // H = logsumexp(z) - sum_v softmax(z)_v z_v, with z shifted by the max (H is shift-invariant).
        NDArray expected = shifted.exp().mul(shifted).sum(new int[] {-1}, true).div(sumExp); // (b, T-1, 1)
        h.add(lse.sub(expected).squeeze(2)); // (b, T-1)
      }
    }
    NDArray logp = alignAndMask(concat(lp), mask); // (B, T)
    return new TokenScores(logp, entropy ? alignAndMask(concat(h), mask) : null);
  }

  /** Rows of a (B, T, V) tensor that fit in {@link #CHUNK_ELEMENTS}; at least one. */
  public static long rowsPerChunk(Shape btv) {
    long perRow = btv.get(1) * btv.get(btv.dimension() - 1);
    return Math.max(1, CHUNK_ELEMENTS / Math.max(1, perRow));
  }

  private static NDArray concat(NDList parts) {
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }

  /** Prepends a zero column to (B, T-1) values and zeroes positions t where mask[t]·mask[t-1] = 0. */
  private static NDArray alignAndMask(NDArray values, NDArray mask) {
    long b = values.getShape().get(0);
    DataType type = values.getDataType();
    NDArray m = mask.toType(type, false);
    NDArray valid = m.get(":, 1:").mul(m.get(":, :-1")); // (B, T-1)
    NDManager manager = values.getManager();
    NDArray zero = manager.zeros(new Shape(b, 1), type);
    return zero.concat(values.mul(valid), 1); // (B, T)
  }

  /** Per-token log-probs (B, T) and entropies (B, T, or null if not requested). */
  public record TokenScores(NDArray logprobs, NDArray entropy) {}
}
