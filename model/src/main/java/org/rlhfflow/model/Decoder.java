package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import org.rlhfflow.model.nn.KvCache;
import org.rlhfflow.model.nn.Parameterized;

/**
 * A causal decoder as the policy, reference, reward and critic code paths see it: hidden states
 * with an optional KV cache, and next-token logits. {@link Gpt} (GPT-2) and {@link Llama}
 * (Llama/Qwen2/Mistral) implement it; inputs and padding follow {@link Gpt}'s conventions.
 *
 * <pre>{@code
 * NDArray logits = decoder.logits(decoder.hidden(ids, mask)); // (B, T, V)
 * }</pre>
 */
public interface Decoder extends Parameterized {
  DecoderConfig config();

  /**
   * Final hidden states (B, T, C) of the T newest tokens, given the S - T already in {@code cache}
   * (or none when cache is null and S == T).
   *
   * @param ids (B, T) token ids
   * @param positions (B, T) position ids
   * @param keyMask (B, S) mask over all keys, cached ones first
   */
  NDArray hidden(NDArray ids, NDArray positions, NDArray keyMask, KvCache cache);

  /** Final hidden states (B, T, C) for ids (B, T) and mask (B, T), positions from the mask. */
  default NDArray hidden(NDArray ids, NDArray mask) {
    return hidden(ids, Gpt.positions(mask), mask, null);
  }

  /** Next-token logits (B, T, V) from hidden states (B, T, C). */
  NDArray logits(NDArray hidden);

  /** The same parameters as an optimizer takes them. */
  ParameterList getParameters();

  /** FLOAT32 normally, FLOAT64 for gradient checks. */
  DataType dataType();

  /** A decoder of {@code config}'s family, parameters not yet set. */
  static Decoder of(DecoderConfig config) {
    if (config instanceof GptConfig g) {
      return new Gpt(g);
    }
    return new Llama((LlamaConfig) config);
  }

  /** A freshly initialised decoder of {@code config}'s family (see {@link org.rlhfflow.model.nn.Init}). */
  static Decoder create(DecoderConfig config, NDManager manager, long seed, DataType type) {
    Decoder d = of(config);
    org.rlhfflow.model.nn.Init.initialize(d, manager, seed, config.nLayer(), type);
    return d;
  }
}
