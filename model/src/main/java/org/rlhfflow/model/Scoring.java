package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.UnaryOperator;

/**
 * Per-token log-probabilities and entropies from logits, differentiable (PPO's ratio and DPO's
 * implicit reward backpropagate through them).
 *
 * <p>Alignment: [b, t] scores token t given tokens before it, from the logits at t - 1. It is 0
 * where it is undefined: at t = 0, at pad tokens, and at the first real token of a left-padded row
 * (its context is only padding). Sum over a response mask to get sequence log-probs.
 *
 * <p>Memory: log p(x_t) is a gather from a log-softmax computed in chunks of at most {@link #CHUNK_ELEMENTS} logits
 * over the flattened positions, so the peak is one chunk's temporaries instead of several (B, T, V)
 * copies (13 GB each at GPT-2 small scale, B = 64, T = 1024). {@link #scoreHidden} goes further and
 * computes the logits themselves chunk by chunk from the hidden states.
 */
public final class Scoring {
  /**
   * Logits per chunk at most: 2^24 floats, 64 MB, 333 positions of GPT-2 small's vocabulary. The
   * demo's models (V = 259) score a whole rollout batch in one chunk.
   */
  public static final long CHUNK_ELEMENTS = 1L << 24;

  private Scoring() {}

  /** log p(ids[b,t] | ids[b,<t]) as (B, T); logits (B, T, V), ids and mask (B, T). */
  public static NDArray tokenLogprobs(NDArray logits, NDArray ids, NDArray mask) {
    return score(logits, ids, mask, false).logprobs();
  }

  /** Log-probs and the entropy of each predictive distribution, both (B, T), same alignment. */
  public static TokenScores score(NDArray logits, NDArray ids, NDArray mask, boolean entropy) {
    long v = logits.getShape().get(2);
    return scoreHidden(logits, UnaryOperator.identity(), false, ids, mask, entropy, positionsPerChunk(v));
  }

  /**
   * Scores from hidden states (B, T, C) through {@code head}, which maps hidden states (1, n, C) of
   * n positions to their logits (1, n, V) (temperature and blocked tokens applied there). The B(T-1)
   * scored positions are cut into chunks of {@code positionsPerChunk}, so at most one chunk of
   * logits, and one temporary of its size, exist at a time.
   *
   * @param headOwnsOutput the head returns a fresh array (not a view of the caller's), so outside
   *     autograd it may be overwritten in place
   */
  public static TokenScores scoreHidden(NDArray hidden, UnaryOperator<NDArray> head, boolean headOwnsOutput,
      NDArray ids, NDArray mask, boolean entropy, long positionsPerChunk) {
    Shape shape = hidden.getShape();
    long b = shape.get(0);
    long t = shape.get(1);
    long n = b * t;
    // Every position, the last of each row too (its score is dropped below): a reshape of the
    // whole array is a view, while cutting off the last column first would copy the (B, T, C)
    // input and, under autograd, zero-fill and copy a gradient of that size on the way back.
    NDArray h = hidden.reshape(1, n, shape.get(2)); // (1, N, C)
    NDArray next = nextIds(ids).reshape(1, n, 1); // (1, N, 1)
    boolean inPlace = headOwnsOutput && !JniUtils.isGradMode();
    NDList lp = new NDList();
    NDList ent = new NDList();
    for (long from = 0; from < n; from += positionsPerChunk) {
      String cut = ":, " + from + ":" + Math.min(n, from + positionsPerChunk);
      // DJL frees an array when its manager closes, so without a scope every chunk's logits would
      // stay alive until the caller's manager closes. Under autograd the graph needs them anyway.
      try (NDScope scope = inPlace ? new NDScope() : null) {
        NDArray z = n <= positionsPerChunk ? h : h.get(cut + ", :");
        NDArray[] out = chunk(head.apply(z), n <= positionsPerChunk ? next : next.get(cut + ", :"), entropy);
        if (scope != null) {
          NDScope.unregister(out);
        }
        lp.add(out[0]);
        if (entropy) {
          ent.add(out[1]);
        }
      }
    }
    NDArray logp = alignAndMask(concat(lp).reshape(b, t).get(":, :-1"), mask); // (B, T)
    return new TokenScores(logp, entropy ? alignAndMask(concat(ent).reshape(b, t).get(":, :-1"), mask) : null);
  }

  /** ids (B, T) shifted left by one as int64, the last column 0: position t's next token. */
  private static NDArray nextIds(NDArray ids) {
    long b = ids.getShape().get(0);
    NDArray shifted = ids.get(":, 1:").toType(DataType.INT64, false);
    return shifted.concat(ids.getManager().zeros(new Shape(b, 1), DataType.INT64), 1); // (B, T)
  }

  /**
   * Log-probs (1, c, 1) of {@code next} under logits {@code z} (1, c, V), and entropies (1, c, 1)
   * when asked for: one fused log-softmax (max-shifted inside the kernel, one kernel back), a
   * gather, and H = -sum p log p from the same log-probs.
   */
  private static NDArray[] chunk(NDArray z, NDArray next, boolean entropy) {
    NDArray logp = z.logSoftmax(-1); // (1, c, V)
    NDArray picked = logp.gather(next, 2); // (1, c, 1)
    if (!entropy) {
      return new NDArray[] {picked};
    }
    NDArray h = logp.exp().mul(logp).sum(new int[] {-1}, true).neg(); // (1, c, 1)
    return new NDArray[] {picked, h};
  }

  /** Positions whose logits fit in {@link #CHUNK_ELEMENTS}, for a vocabulary of {@code v}; at least one. */
  public static long positionsPerChunk(long v) {
    return Math.max(1, CHUNK_ELEMENTS / Math.max(1, v));
  }

  private static NDArray concat(NDList parts) {
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
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
