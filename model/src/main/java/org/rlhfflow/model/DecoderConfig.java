package org.rlhfflow.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The shape fields every decoder family shares, so that generation, scoring and the heads can
 * size themselves without knowing which family they hold. In checkpoint.json it carries a {@code
 * family} tag; an untagged config (every checkpoint written before the Llama family) is a GPT's.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "family", defaultImpl = GptConfig.class)
@JsonSubTypes({
  @JsonSubTypes.Type(value = GptConfig.class, name = "gpt"),
  @JsonSubTypes.Type(value = LlamaConfig.class, name = "llama")
})
public sealed interface DecoderConfig permits GptConfig, LlamaConfig {
  int vocabSize();

  /** Maximum sequence length. */
  int blockSize();

  int nLayer();

  /** Residual stream width C. */
  int hiddenSize();

  /** Total trainable parameters. */
  long numParams();
}
