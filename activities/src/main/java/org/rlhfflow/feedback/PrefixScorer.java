package org.rlhfflow.feedback;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.rlhfflow.model.Decoder;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.nn.KvCache;

/**
 * Next-token logits of two option tokens after many texts that share one prefix. The prefix goes
 * through the model once, into a {@link KvCache}; each batch of suffixes is left-padded so that
 * every row's last token sits in the last column, and continues from a copy of that cache with
 * positions counted on from the prefix.
 *
 * <pre>{@code
 * float[][] logits = new PrefixScorer(lm).score(prefixIds, suffixIds, options); // (N, 2)
 * }</pre>
 */
final class PrefixScorer {
  private final LanguageModel lm;
  private final boolean useCache;

  PrefixScorer(LanguageModel lm) {
    this(lm, true);
  }

  /** @param useCache false runs prefix + suffix whole for every row (the reference in tests) */
  PrefixScorer(LanguageModel lm, boolean useCache) {
    this.lm = lm;
    this.useCache = useCache;
  }

  private long padded;
  private long cells;

  /** Padding over all suffix cells scored so far (each batch is padded to its longest suffix). */
  double paddingWaste() {
    return cells == 0 ? 0 : (double) padded / cells;
  }

  /** Logits (first, second) per suffix row, after prefix + suffix. */
  float[][] score(int[] prefix, List<int[]> suffixes, OptionTokens options) {
    Decoder gpt = lm.gpt();
    int width = suffixes.stream().mapToInt(s -> s.length).max().orElse(0);
    for (int[] s : suffixes) {
      padded += width - s.length;
    }
    cells += (long) width * suffixes.size();
    if (prefix.length + width > gpt.config().blockSize()) {
      throw new IllegalArgumentException("a judge prompt of " + (prefix.length + width) + " tokens exceeds the judge's"
          + " block size " + gpt.config().blockSize() + "; use fewer preferences.ai.exemplars or shorter responses");
    }
    try (NoGrad ng = NoGrad.enter(); NDManager m = lm.manager().newSubManager()) {
      NDArray last = useCache ? cached(m, prefix, suffixes, width) : whole(m, prefix, suffixes, width); // (N, V)
      float[] all = last.toFloatArray();
      int v = Math.toIntExact(last.getShape().get(1));
      float[][] out = new float[suffixes.size()][2];
      for (int i = 0; i < out.length; i++) {
        out[i][0] = all[i * v + options.first()];
        out[i][1] = all[i * v + options.second()];
      }
      return out;
    }
  }

  private NDArray cached(NDManager m, int[] prefix, List<int[]> suffixes, int width) {
    Decoder gpt = lm.gpt();
    int n = suffixes.size();
    int p = prefix.length;
    try (KvCache shared = new KvCache(m, gpt.config().nLayer(), p)) {
      long[] pos = new long[p];
      for (int t = 0; t < p; t++) {
        pos[t] = t;
      }
      Shape one = new Shape(1, p);
      gpt.hidden(m.create(toLong(prefix), one), m.create(pos, one), m.ones(one, DataType.FLOAT32), shared);
      try (KvCache cache = shared.broadcast(m, n, p + width)) {
        long[] ids = new long[n * width];
        long[] positions = new long[n * width];
        float[] mask = new float[n * (p + width)];
        for (int b = 0; b < n; b++) {
          int[] s = suffixes.get(b);
          int pad = width - s.length;
          java.util.Arrays.fill(mask, b * (p + width), b * (p + width) + p, 1f);
          for (int t = 0; t < width; t++) {
            boolean real = t >= pad;
            ids[b * width + t] = real ? s[t - pad] : lm.tokenizer().padId();
            positions[b * width + t] = real ? p + t - pad : 0;
            mask[b * (p + width) + p + t] = real ? 1f : 0f;
          }
        }
        Shape shape = new Shape(n, width);
        NDArray hidden = gpt.hidden(m.create(ids, shape), m.create(positions, shape),
            m.create(mask, new Shape(n, p + width)), cache); // (N, W, C)
        return gpt.logits(hidden.get(":, -1:, :")).squeeze(1); // (N, V)
      }
    }
  }

  /** The same logits without the cache: each row is prefix + suffix, left-padded. */
  private NDArray whole(NDManager m, int[] prefix, List<int[]> suffixes, int width) {
    int n = suffixes.size();
    int t = prefix.length + width;
    long[] ids = new long[n * t];
    float[] mask = new float[n * t];
    for (int b = 0; b < n; b++) {
      int[] s = suffixes.get(b);
      int pad = t - prefix.length - s.length;
      for (int j = 0; j < t; j++) {
        int k = j - pad;
        boolean real = k >= 0;
        ids[b * t + j] = !real ? lm.tokenizer().padId() : k < prefix.length ? prefix[k] : s[k - prefix.length];
        mask[b * t + j] = real ? 1f : 0f;
      }
    }
    Shape shape = new Shape(n, t);
    NDArray logits = lm.logits(m.create(ids, shape), m.create(mask, shape)); // (N, T, V)
    return logits.get(":, -1, :"); // (N, V)
  }

  private static long[] toLong(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
