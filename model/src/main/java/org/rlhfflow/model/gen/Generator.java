package org.rlhfflow.model.gen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.rlhfflow.model.Decoder;
import org.rlhfflow.model.Gpt;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.nn.KvCache;

/**
 * Batched autoregressive decoding with a KV cache. Prompts are left-padded to a common width so
 * every row's next token sits in the last column; positions follow the mask (see {@link Gpt}).
 * Sampling happens in Java from probabilities copied out of the engine, each row drawing from its
 * own {@link SplittableRandom} derived from (seed, row), so a seed reproduces the output exactly.
 *
 * <pre>{@code
 * Generation g = new Generator(lm.gpt()).generate(prompts, GenerationConfig.sampling(64, tok), seed);
 * }</pre>
 */
public final class Generator {
  private final Decoder gpt;

  /** Either decoder family: {@link Gpt} or {@link org.rlhfflow.model.Llama}. */
  public Generator(Decoder gpt) {
    this.gpt = gpt;
  }

  /** Generates with the KV cache. */
  public Generation generate(int[][] prompts, GenerationConfig cfg, long seed) {
    return generate(prompts, cfg, seed, true);
  }

  /**
   * @param prompts unpadded prompt token ids, each non-empty
   * @param useKvCache false recomputes the whole prefix each step (for tests and benchmarks)
   */
  public Generation generate(int[][] prompts, GenerationConfig cfg, long seed, boolean useKvCache) {
    DecodeState st = new DecodeState(prompts, cfg, gpt.config().blockSize());
    SplittableRandom[] rngs = new SplittableRandom[prompts.length];
    for (int b = 0; b < prompts.length; b++) {
      rngs[b] = new SplittableRandom(Seeds.derive(seed, "generate", b));
    }
    NDManager root = gpt.namedParameters().values().iterator().next().getArray().getManager();
    try (NoGrad ng = NoGrad.enter();
        NDManager manager = root.newSubManager();
        KvCache cache = useKvCache ? new KvCache(manager, gpt.config().nLayer(), st.capacity()) : null) {
      while (!st.done()) {
        float[] next = nextTokenScores(st, cfg, cache, manager);
        st.append(pick(next, st, cfg, rngs));
      }
    }
    return st.result();
  }

  /** Probabilities (or logits when greedy) of the next token, (B * V) row-major. */
  private float[] nextTokenScores(
      DecodeState st, GenerationConfig cfg, KvCache cache, NDManager parent) {
    try (NDManager m = parent.newSubManager()) {
      boolean incremental = cache != null && cache.length() > 0;
      int from = incremental ? st.width() - 1 : 0;
      NDArray ids = m.create(st.ids(from), new Shape(st.batch(), st.width() - from)); // (B, T)
      NDArray pos = m.create(st.positions(from), new Shape(st.batch(), st.width() - from)); // (B, T)
      NDArray keyMask = m.create(st.mask(), new Shape(st.batch(), st.width())); // (B, S)
      NDArray hidden = gpt.hidden(ids, pos, keyMask, cache).get(":, -1:, :"); // (B, 1, C)
      NDArray logits = gpt.logits(hidden).squeeze(1); // (B, V)
      if (cfg.greedy()) {
        return logits.toFloatArray();
      }
      return logits.div(cfg.temperature()).softmax(-1).toFloatArray();
    }
  }

  private static int[] pick(
      float[] scores, DecodeState st, GenerationConfig cfg, SplittableRandom[] rngs) {
    int v = scores.length / st.batch();
    int[] next = new int[st.batch()];
    block(scores, v, cfg.blockedIds(), cfg.greedy());
    for (int b = 0; b < st.batch(); b++) {
      if (st.finished(b)) {
        next[b] = cfg.padId();
      } else if (cfg.greedy()) {
        next[b] = Sampler.argmax(scores, b * v, v);
      } else {
        next[b] = Sampler.sample(scores, b * v, v, cfg.topK(), cfg.topP(), rngs[b]);
      }
    }
    return next;
  }

  /**
   * Removes BOS and PAD from every row: probability 0 (the sampler renormalises), or -inf logits
   * when greedy. Scoring applies the same mask ({@code LanguageModel.scoreSampled}), so PPO's ratio
   * and KL are those of the distribution actually sampled.
   */
  static void block(float[] scores, int v, int[] ids, boolean greedy) {
    float value = greedy ? Float.NEGATIVE_INFINITY : 0f;
    for (int row = 0; row < scores.length; row += v) {
      for (int id : ids) {
        if (id < v) {
          scores[row + id] = value;
        }
      }
    }
  }
}
