package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.model.nn.EmbeddingLayer;
import org.rlhfflow.model.nn.Init;
import org.rlhfflow.model.nn.KvCache;
import org.rlhfflow.model.nn.LinearLayer;
import org.rlhfflow.model.nn.LlamaBlock;
import org.rlhfflow.model.nn.RmsNorm;
import org.rlhfflow.model.nn.Rope;

/**
 * The Llama decoder family (Touvron et al. 2023; Qwen2, Mistral, SmolLM2): token embeddings, L
 * pre-RMSNorm layers with rotary grouped-query attention and SwiGLU, a final RMSNorm and a tied or
 * untied head. Keys are Hugging Face's ({@code model.layers.0.self_attn.q_proj.weight}), so
 * checkpoints load key by key. Inputs, padding and the KV cache follow {@link Gpt}.
 *
 * <pre>{@code
 * Llama llama = new Llama(LlamaConfig.NANO);
 * llama.initialize(manager, seed, DataType.FLOAT32);
 * NDArray logits = llama.logits(llama.hidden(ids, mask)); // (B, T, V)
 * }</pre>
 */
public final class Llama extends org.rlhfflow.model.nn.Module implements Decoder {
  private final LlamaConfig config;
  private final EmbeddingLayer embed;
  private final List<LlamaBlock> layers = new ArrayList<>();
  private final RmsNorm norm;
  private final LinearLayer lmHead;
  private final Rope rope;

  public Llama(LlamaConfig config) {
    this.config = config;
    embed = child("model.embed_tokens", new EmbeddingLayer(config.vocabSize(), config.hiddenSize()));
    for (int i = 0; i < config.nLayer(); i++) {
      layers.add(child("model.layers." + i, new LlamaBlock(config)));
    }
    norm = child("model.norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    lmHead =
        config.tieWordEmbeddings()
            ? null
            : child("lm_head", new LinearLayer(config.hiddenSize(), config.vocabSize(), false));
    rope = new Rope(config);
  }

  @Override
  public LlamaConfig config() {
    return config;
  }

  /** Fresh initialisation from Java randoms seeded by {@code seed} (see {@link Init}). */
  public void initialize(NDManager manager, long seed, DataType type) {
    Init.initialize(this, manager, seed, config.nLayer(), type);
  }

  @Override
  public NDArray hidden(NDArray ids, NDArray positions, NDArray keyMask, KvCache cache) {
    long t = ids.getShape().get(1);
    long s = keyMask.getShape().get(1);
    if (s > config.blockSize()) {
      throw new IllegalArgumentException(
          "sequence length " + s + " exceeds max_position_embeddings=" + config.blockSize());
    }
    NDArray x = embed.apply(ids); // (B, T, C)
    NDList cosSin = rope.angles(positions, x.getDataType()); // 2 x (B, 1, T, hd)
    NDArray bias = Gpt.attentionBias(keyMask, t, x.getDataType()); // (B, 1, T, S)
    for (int i = 0; i < layers.size(); i++) {
      x = layers.get(i).apply(x, rope, cosSin, bias, cache, i);
    }
    return norm.apply(x);
  }

  @Override
  public NDArray logits(NDArray hidden) {
    return lmHead == null ? Linear.linear(hidden, embed.weight()).head() : lmHead.apply(hidden);
  }

  /** DJL entry point: inputs (ids, mask), outputs (logits (B, T, V), hidden (B, T, C)). */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray hidden = hidden(inputs.get(0), inputs.get(1));
    return new NDList(logits(hidden), hidden);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    long t = inputShapes[0].get(1);
    return new Shape[] {
      new Shape(b, t, config.vocabSize()), new Shape(b, t, config.hiddenSize())
    };
  }
}
