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
 * <p>Memory: log p(x_t) is computed as logit[x_t] - logsumexp(logits), a gather minus a reduction,
 * never as a full (B, T, V) log-softmax, and in chunks of at most {@link #CHUNK_ELEMENTS} logits
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
    long n = b * (t - 1);
    NDArray h = hidden.get(":, :-1, :").reshape(1, n, shape.get(2)); // (1, N, C), the scored positions
    NDArray next = ids.get(":, 1:").toType(DataType.INT64, false).reshape(1, n, 1); // (1, N, 1)
    boolean inPlace = headOwnsOutput && !JniUtils.isGradMode();
    NDList lp = new NDList();
    NDList ent = new NDList();
    for (long from = 0; from < n; from += positionsPerChunk) {
      String cut = ":, " + from + ":" + Math.min(n, from + positionsPerChunk);
      // DJL frees an array when its manager closes, so without a scope every chunk's logits would
      // stay alive until the caller's manager closes. Under autograd the graph needs them anyway.
      try (NDScope scope = inPlace ? new NDScope() : null) {
        NDArray[] out = chunk(head.apply(h.get(cut + ", :")), next.get(cut + ", :"), inPlace, entropy);
        if (scope != null) {
          NDScope.unregister(out);
        }
        lp.add(out[0]);
        if (entropy) {
          ent.add(out[1]);
        }
      }
    }
    NDArray logp = alignAndMask(concat(lp).reshape(b, t - 1), mask); // (B, T)
    return new TokenScores(logp, entropy ? alignAndMask(concat(ent).reshape(b, t - 1), mask) : null);
  }

  /**
   * Log-probs (1, c, 1) of {@code next} under logits {@code z} (1, c, V), and entropies (1, c, 1)
   * when asked for: gather minus logsumexp, with the max subtracted first for stability.
   */
  private static NDArray[] chunk(NDArray z, NDArray next, boolean inPlace, boolean entropy) {
    NDArray max = z.max(new int[] {-1}, true).stopGradient(); // (1, c, 1)
    NDArray shifted = inPlace ? z.subi(max) : z.sub(max); // (1, c, V); logsumexp is shift-invariant
    NDArray picked = shifted.gather(next, 2); // (1, c, 1)
    NDArray e = shifted.exp(); // (1, c, V)
    NDArray sumExp = e.sum(new int[] {-1}, true); // (1, c, 1)
    NDArray lse = sumExp.log(); // (1, c, 1), logsumexp of the shifted logits
    if (!entropy) {
      return new NDArray[] {picked.sub(lse)};
    }
    // H = logsumexp(z) - E_softmax[z], both of the shifted logits.
    NDArray weighted = inPlace ? e.muli(shifted) : e.mul(shifted); // (1, c, V)
    NDArray expected = weighted.sum(new int[] {-1}, true).div(sumExp); // (1, c, 1)
    return new NDArray[] {picked.sub(lse), lse.sub(expected)};
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
