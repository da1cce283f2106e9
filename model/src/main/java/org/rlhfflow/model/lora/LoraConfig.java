package org.rlhfflow.model.lora;

import java.util.List;

/**
 * LoRA's shape (Hu et al. 2021): W' = W + (alpha / rank) B A on every Linear whose key ends with
 * one of {@code targets} (e.g. {@code q_proj}, {@code v_proj}, Hu et al.'s choice, section 7.1).
 *
 * @param rank r, the inner width of B (out, r) and A (r, in)
 * @param alpha the scale numerator; the update is multiplied by alpha / rank
 * @param targets module names, matched against the last part(s) of each Linear's key
 */
public record LoraConfig(int rank, double alpha, List<String> targets) {
  public LoraConfig {
    if (rank <= 0) {
      throw new IllegalArgumentException("model.lora.rank=" + rank + " must be > 0");
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("model.lora.alpha=" + alpha + " must be > 0");
    }
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException("model.lora.targets: empty; name at least one module, e.g. q_proj");
    }
    targets = List.copyOf(targets);
  }

  public double scale() {
    return alpha / rank;
  }
}
