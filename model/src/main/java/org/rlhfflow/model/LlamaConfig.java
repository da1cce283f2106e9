package org.rlhfflow.model;

/**
 * Shape of a Llama-style decoder (Touvron et al. 2023; Qwen2, Mistral and SmolLM2 share it):
 * RMSNorm, rotary positions, a SwiGLU MLP, grouped-query attention and no biases except Qwen2's
 * q/k/v bias. Field names follow Hugging Face's {@code LlamaConfig}.
 *
 * @param vocabSize number of token ids ({@code vocab_size})
 * @param blockSize maximum sequence length ({@code max_position_embeddings})
 * @param nLayer number of decoder layers ({@code num_hidden_layers})
 * @param nHead query heads ({@code num_attention_heads})
 * @param nKvHead key/value heads, dividing nHead: GQA (Ainslie et al. 2023), 1 = MQA ({@code
 *     num_key_value_heads})
 * @param hiddenSize residual stream width C ({@code hidden_size})
 * @param intermediateSize SwiGLU inner width ({@code intermediate_size})
 * @param headDim per-head width, usually C / nHead ({@code head_dim})
 * @param rmsNormEps RMSNorm epsilon ({@code rms_norm_eps})
 * @param ropeTheta RoPE base (Su et al. 2021; {@code rope_theta})
 * @param ropeScaling Llama 3's frequency rescaling, or null for plain RoPE
 * @param attentionBias whether q/k/v projections carry a bias (Qwen2: true)
 * @param tieWordEmbeddings whether the LM head reuses the token embedding
 */
public record LlamaConfig(
    int vocabSize,
    int blockSize,
    int nLayer,
    int nHead,
    int nKvHead,
    int hiddenSize,
    int intermediateSize,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    boolean attentionBias,
    boolean tieWordEmbeddings)
    implements DecoderConfig {

  /** ~0.1M params: 2 layers, GQA 4:2, for unit tests (byte tokenizer). */
  public static final LlamaConfig NANO =
      new LlamaConfig(259, 64, 2, 4, 2, 64, 128, 16, 1e-5, 10000, null, false, false);

  /** 494,032,768 params: Qwen2.5-0.5B's shape (tied head, q/k/v bias, GQA 14:2). */
  public static final LlamaConfig QWEN2_5_0_5B =
      new LlamaConfig(151936, 32768, 24, 14, 2, 896, 4864, 64, 1e-6, 1e6, null, true, true);

  /**
   * Llama 3.1's RoPE rescaling (HF {@code rope_type: llama3}): wavelengths longer than
   * originalMaxPositions / lowFreqFactor are slowed by factor, shorter than / highFreqFactor kept,
   * and those between interpolated smoothly.
   */
  public record RopeScaling(
      double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    public RopeScaling {
      if (!(factor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions <= 0) {
        throw new IllegalArgumentException(
            "rope_scaling needs factor > 0, high_freq_factor > low_freq_factor and"
                + " original_max_position_embeddings > 0, got " + this);
      }
    }
  }

  public LlamaConfig {
    int[] sizes = {vocabSize, blockSize, nLayer, nHead, nKvHead, hiddenSize, intermediateSize, headDim};
    for (int v : sizes) {
      if (v <= 0) {
        throw new IllegalArgumentException("every size must be > 0, got " + java.util.Arrays.toString(sizes)
            + " (vocab, positions, layers, heads, kv heads, hidden, intermediate, head dim)");
      }
    }
    if (nHead % nKvHead != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads=" + nHead + " must be divisible by num_key_value_heads=" + nKvHead);
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim=" + headDim + " must be even for RoPE");
    }
    if (!(rmsNormEps > 0) || !(ropeTheta > 1)) {
      throw new IllegalArgumentException(
          "rms_norm_eps=" + rmsNormEps + " must be > 0 and rope_theta=" + ropeTheta + " > 1");
    }
  }

  public LlamaConfig withVocabSize(int v) {
    return new LlamaConfig(v, blockSize, nLayer, nHead, nKvHead, hiddenSize, intermediateSize,
        headDim, rmsNormEps, ropeTheta, ropeScaling, attentionBias, tieWordEmbeddings);
  }

  public LlamaConfig withBlockSize(int t) {
    return new LlamaConfig(vocabSize, t, nLayer, nHead, nKvHead, hiddenSize, intermediateSize,
        headDim, rmsNormEps, ropeTheta, ropeScaling, attentionBias, tieWordEmbeddings);
  }

  @Override
  public long numParams() {
    long c = hiddenSize;
    long q = (long) nHead * headDim;
    long kv = (long) nKvHead * headDim;
    long attn = c * q + 2 * c * kv + q * c + (attentionBias ? q + 2 * kv : 0);
    long mlp = 3 * c * intermediateSize;
    long perLayer = attn + mlp + 2 * c;
    long embed = (long) vocabSize * c;
    return embed * (tieWordEmbeddings ? 1 : 2) + nLayer * perLayer + c;
  }
}
