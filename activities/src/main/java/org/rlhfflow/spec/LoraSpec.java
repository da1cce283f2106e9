package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

import java.util.List;
import org.rlhfflow.model.lora.LoraConfig;

/** LoRA adapters for the trained models (policy, reward model, critic) instead of full fine-tuning. */
@Doc(value = "LoRA (Hu et al. 2021): the SFT, DPO, PPO, GRPO/RLOO policies and the reward model train low-rank adapters on a frozen base; checkpoints hold only the adapters and name the stored base by sha256.")
public record LoraSpec(
    @Doc(value = "r, the adapters' inner width: B is (out, r), A is (r, in).", range = "[1, 1024]",
            source = "Hu et al. 2021; PEFT LoraConfig.r", def = "8")
        int rank,
    @Doc(value = "Scale numerator: the update is (alpha / rank) B A.", range = "(0, inf)",
            source = "Hu et al. 2021, sec. 4.1; PEFT lora_alpha", def = "16")
        double alpha,
    @Doc(value = "Modules that get adapters: every Linear whose key ends with one of these (Llama family: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj; GPT-2: c_attn, c_proj, c_fc); default [q_proj, v_proj].",
            source = "Hu et al. 2021, sec. 7.1 (W_q and W_v)")
        List<String> targets) {

  public static final LoraSpec DEFAULT = new LoraSpec(8, 16, List.of("q_proj", "v_proj"));

  public LoraSpec {
    targets = targets == null ? List.of("q_proj", "v_proj") : List.copyOf(targets);
    require(!targets.isEmpty(), "targets", "empty: name at least one module, e.g. q_proj");
  }

  /** The model-level config. */
  public LoraConfig config() {
    return new LoraConfig(rank, alpha, targets);
  }
}
