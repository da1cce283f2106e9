package org.rlhfflow.model.gen;

import java.util.List;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * How to decode. Sampling applies temperature, then top-k, then top-p (nucleus, Holtzman et al.
 * 2020), in that order, as Hugging Face's generate does.
 *
 * @param maxNewTokens response tokens per row at most, EOS included
 * @param temperature logits are divided by it; > 0 (ignored when greedy)
 * @param topK keep the k most likely tokens; 0 = off
 * @param topP keep the smallest set of tokens with cumulative probability >= topP; 1 = off
 * @param greedy take the argmax (lowest id on ties) instead of sampling
 * @param eosId a row stops after emitting it
 * @param padId fills positions after a row stopped, and left-pads prompts
 * @param bosId never sampled (nor is padId) unless it is also eosId: a sampled BOS or PAD would not
 *     survive a decode/re-encode round trip, and PAD is masked out of every loss; -1 = none
 * @param stopIds every id a row stops after, eosId included: a chat model's end-of-turn tokens
 *     (Llama 3: {@code <|eot_id|>} and {@code <|end_of_text|>})
 */
public record GenerationConfig(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    boolean greedy,
    int eosId,
    int padId,
    int bosId,
    List<Integer> stopIds) {
  /** A config that blocks nothing but PAD (when PAD is not EOS) and stops at eosId only. */
  public GenerationConfig(int maxNewTokens, double temperature, int topK, double topP, boolean greedy,
      int eosId, int padId) {
    this(maxNewTokens, temperature, topK, topP, greedy, eosId, padId, -1, List.of(eosId));
  }

  public GenerationConfig {
    stopIds = stopIds == null || stopIds.isEmpty() ? List.of(eosId) : List.copyOf(stopIds);
    if (!stopIds.contains(eosId)) {
      throw new IllegalArgumentException("stopIds " + stopIds + " must contain eosId=" + eosId);
    }
    if (maxNewTokens <= 0) {
      throw new IllegalArgumentException("maxNewTokens=" + maxNewTokens + " must be > 0");
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature=" + temperature + " must be > 0 and finite");
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK=" + topK + " must be >= 0 (0 = off)");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP=" + topP + " must be in (0, 1]");
    }
  }

  /** Plain sampling from the model's distribution (temperature 1, no truncation), as PPO needs. */
  public static GenerationConfig sampling(int maxNewTokens, Tokenizer tokenizer) {
    return new GenerationConfig(
        maxNewTokens, 1.0, 0, 1.0, false, tokenizer.eosId(), tokenizer.padId(), tokenizer.bosId(),
        tokenizer.stopIds());
  }

  /** Greedy decoding. */
  public static GenerationConfig greedy(int maxNewTokens, Tokenizer tokenizer) {
    return new GenerationConfig(
        maxNewTokens, 1.0, 0, 1.0, true, tokenizer.eosId(), tokenizer.padId(), tokenizer.bosId(),
        tokenizer.stopIds());
  }

  /** Token ids the sampler never picks: BOS and PAD, except one that is also EOS. */
  public int[] blockedIds() {
    return blocked(bosId, padId, eosId);
  }

  /** The ids among {@code bos, pad} that are valid (>= 0), distinct and not {@code eos}. */
  public static int[] blocked(int bos, int pad, int eos) {
    return java.util.stream.IntStream.of(bos, pad).filter(id -> id >= 0 && id != eos).distinct().toArray();
  }

  public GenerationConfig withTemperature(double t) {
    return new GenerationConfig(maxNewTokens, t, topK, topP, greedy, eosId, padId, bosId, stopIds);
  }

  public GenerationConfig withTopK(int k) {
    return new GenerationConfig(maxNewTokens, temperature, k, topP, greedy, eosId, padId, bosId, stopIds);
  }

  public GenerationConfig withTopP(double p) {
    return new GenerationConfig(maxNewTokens, temperature, topK, p, greedy, eosId, padId, bosId, stopIds);
  }

  /** Also stops at {@code ids}, e.g. a chat template's end-of-turn tokens. */
  public GenerationConfig withStopIds(List<Integer> ids) {
    java.util.LinkedHashSet<Integer> all = new java.util.LinkedHashSet<>(ids);
    all.add(eosId);
    return new GenerationConfig(
        maxNewTokens, temperature, topK, topP, greedy, eosId, padId, bosId, List.copyOf(all));
  }

  /** True if a row stops after emitting {@code id}. */
  public boolean stops(int id) {
    return stopIds.contains(id);
  }

  public GenerationConfig withMaxNewTokens(int n) {
    return new GenerationConfig(n, temperature, topK, topP, greedy, eosId, padId, bosId, stopIds);
  }
}
