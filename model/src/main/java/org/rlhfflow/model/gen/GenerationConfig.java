package org.rlhfflow.model.gen;

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
 */
public record GenerationConfig(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    boolean greedy,
    int eosId,
    int padId) {
  public GenerationConfig {
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
        maxNewTokens, 1.0, 0, 1.0, false, tokenizer.eosId(), tokenizer.padId());
  }

  /** Greedy decoding. */
  public static GenerationConfig greedy(int maxNewTokens, Tokenizer tokenizer) {
    return new GenerationConfig(
        maxNewTokens, 1.0, 0, 1.0, true, tokenizer.eosId(), tokenizer.padId());
  }

  public GenerationConfig withTemperature(double t) {
    return new GenerationConfig(maxNewTokens, t, topK, topP, greedy, eosId, padId);
  }

  public GenerationConfig withTopK(int k) {
    return new GenerationConfig(maxNewTokens, temperature, k, topP, greedy, eosId, padId);
  }

  public GenerationConfig withTopP(double p) {
    return new GenerationConfig(maxNewTokens, temperature, topK, p, greedy, eosId, padId);
  }

  public GenerationConfig withMaxNewTokens(int n) {
    return new GenerationConfig(n, temperature, topK, topP, greedy, eosId, padId);
  }
}
