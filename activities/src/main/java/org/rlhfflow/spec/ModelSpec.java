package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

/** Which GPT the policy, reference, reward model and critic start from. */
@Doc("The GPT that the policy, reference, reward model and critic start from.")
public record ModelSpec(
    @Doc(
            value = "Model size preset; ignored when hf_checkpoint is set.",
            source = "nanoGPT; GPT-2 (Radford et al. 2019) for gpt2_small", def = "tiny")
        Preset preset,
    @Doc("Directory of a Hugging Face GPT-2, Llama, Qwen2 or Mistral checkpoint to start from; overrides preset.")
        String hfCheckpoint,
    @Doc(
            value = "Tokenizer: byte (256 symbols, needs no files) or hf (GPT-2 BPE read from hf_checkpoint); Llama-family checkpoints always use their own.",
            def = "byte")
        Tokenizer tokenizer,
    @Doc(value = "Context length in tokens: prompt plus response must fit.", range = "[8, 4096]", def = "64")
        int blockSize,
    @Doc(
            value = "Critic reuses the policy's transformer trunk with its own value head instead of a separate copy.",
            source = "Huang et al. 2024 (separate critic is the default)", def = "false")
        boolean shareCriticTrunk,
    @Doc(value = "LoRA adapters instead of full fine-tuning; absent trains every weight.", optional = true)
        LoraSpec lora) {

  public static final ModelSpec DEFAULT = SpecDefaults.of(ModelSpec.class);

  public ModelSpec {
    require(
        tokenizer != Tokenizer.HF || hfCheckpoint != null,
        "tokenizer",
        "hf reads the vocabulary from hf_checkpoint, which is not set",
        "hf_checkpoint");
  }

  /** Named model sizes; parameter counts are for the byte tokenizer. */
  public enum Preset {
    /** ~0.12M parameters: unit tests. */
    NANO,
    /** ~0.66M parameters: between nano and tiny on the weak-to-strong ladder. */
    MICRO,
    /** ~1.9M parameters: the CPU demo. */
    TINY,
    /** ~4.9M parameters: a CPU-trainable strong model for weak-to-strong. */
    MINI,
    /** ~19.5M parameters: the largest CPU preset. */
    SMALL,
    /** 124M parameters: GPT-2 small. */
    GPT2_SMALL
  }

  /** How text becomes token ids. */
  public enum Tokenizer {
    BYTE,
    HF
  }
}
