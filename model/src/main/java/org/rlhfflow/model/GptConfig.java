package org.rlhfflow.model;

/**
 * Shape of a GPT-2 style decoder (Radford et al. 2019), mirroring nanoGPT's {@code GPTConfig}.
 *
 * <pre>{@code GptConfig cfg = GptConfig.TINY.withVocabSize(tokenizer.vocabSize());}</pre>
 *
 * <p>There is no dropout: RLHF fine-tuning runs without it (TRL disables it for PPO so that the
 * policy's log-probs at rollout and at update time agree), and it keeps training deterministic.
 *
 * @param vocabSize number of token ids, including special tokens
 * @param blockSize maximum sequence length (number of learned positions)
 * @param nLayer number of transformer blocks
 * @param nHead attention heads per block; must divide {@code nEmbd}
 * @param nEmbd residual stream width C
 * @param bias whether Linear and LayerNorm layers carry a bias (GPT-2: true)
 * @param layerNormEps LayerNorm epsilon (GPT-2: 1e-5)
 */
public record GptConfig(
    int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd, boolean bias, double layerNormEps)
    implements DecoderConfig {

  /** ~0.12M params with the 259-id byte tokenizer; for unit tests. */
  public static final GptConfig NANO = new GptConfig(259, 64, 2, 4, 64, true, 1e-5);

  /**
   * 660,992 params with the 259-id byte tokenizer (636,416 at block 64): the rung between NANO
   * and TINY on the weak-to-strong ladder.
   */
  public static final GptConfig MICRO = new GptConfig(259, 256, 3, 4, 128, true, 1e-5);

  /** ~1.9M params with the 259-id byte tokenizer; the demo pipeline's model. */
  public static final GptConfig TINY = new GptConfig(259, 256, 4, 6, 192, true, 1e-5);

  /**
   * 4,870,912 params with the 259-id byte tokenizer (~5M; 4,821,760 at block 64): a CPU-trainable
   * strong model for weak-to-strong runs.
   */
  public static final GptConfig MINI = new GptConfig(259, 256, 6, 8, 256, true, 1e-5);

  /**
   * 19,545,792 params with the 259-id byte tokenizer (~20M; 19,459,776 at block 64): the largest
   * preset that still fine-tunes on CPU in minutes on short sequences.
   */
  public static final GptConfig SMALL = new GptConfig(259, 256, 8, 8, 448, true, 1e-5);

  /** 124,439,808 params: GPT-2 small. */
  public static final GptConfig GPT2_SMALL = new GptConfig(50257, 1024, 12, 12, 768, true, 1e-5);

  public GptConfig {
    requirePositive("vocabSize", vocabSize);
    requirePositive("blockSize", blockSize);
    requirePositive("nLayer", nLayer);
    requirePositive("nHead", nHead);
    requirePositive("nEmbd", nEmbd);
    if (nEmbd % nHead != 0) {
      throw new IllegalArgumentException(
          "nEmbd=" + nEmbd + " must be divisible by nHead=" + nHead);
    }
    if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
      throw new IllegalArgumentException("layerNormEps=" + layerNormEps + " must be > 0");
    }
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + "=" + value + " must be > 0");
    }
  }

  public GptConfig withVocabSize(int newVocabSize) {
    return new GptConfig(newVocabSize, blockSize, nLayer, nHead, nEmbd, bias, layerNormEps);
  }

  public GptConfig withBlockSize(int newBlockSize) {
    return new GptConfig(vocabSize, newBlockSize, nLayer, nHead, nEmbd, bias, layerNormEps);
  }

  @Override
  public int hiddenSize() {
    return nEmbd;
  }

  /** Head size hs = C / nh. */
  public int headSize() {
    return nEmbd / nHead;
  }

  /** Total trainable parameters; the LM head is tied to {@code wte}, so it adds none. */
  @Override
  public long numParams() {
    long c = nEmbd;
    long b = bias ? 1 : 0;
    long layerNorm = c + b * c;
    long attn = c * 3 * c + b * 3 * c + c * c + b * c;
    long mlp = c * 4 * c + b * 4 * c + 4 * c * c + b * c;
    long perLayer = 2 * layerNorm + attn + mlp;
    return (long) vocabSize * c + (long) blockSize * c + nLayer * perLayer + layerNorm;
  }

  /**
   * Training FLOPs per token (forward + backward) at sequence length {@code seqLen}: 6N for the
   * weights plus 12·L·C·T for attention scores (PaLM, Chowdhery et al. 2022, appendix B; as in
   * nanoGPT's estimate_mfu). N excludes position embeddings, which are a lookup, not a matmul.
   */
  public double flopsPerToken(int seqLen) {
    double n = numParams() - (double) blockSize * nEmbd;
    return 6 * n + 12.0 * nLayer * nEmbd * seqLen;
  }

  /** {@link #flopsPerToken(int)} at the full block size. */
  public double flopsPerToken() {
    return flopsPerToken(blockSize);
  }
}
