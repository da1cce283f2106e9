package org.rlhfflow.model.optim;

import java.util.Locale;

/**
 * The default "no weight decay" rule: biases, LayerNorm/BatchNorm parameters and embedding tables
 * (Loshchilov &amp; Hutter 2019 decay only weights; GPT-2 and nanoGPT exempt these too).
 *
 * <p>Names are split on '.', '_' and '/', and leading digits are dropped from each part (DJL
 * prefixes child blocks with their index, e.g. {@code 01Linear_bias}). A parameter is exempt if
 * a part is {@code bias}, {@code beta} or {@code gamma} (DJL's LayerNorm shift and scale), starts
 * with {@code ln} or contains {@code norm} (GPT-2's {@code ln_1}, {@code ln_f}), or names an
 * embedding ({@code wte}, {@code wpe}, {@code embedding}).
 */
final class NoDecay {
  private NoDecay() {}

  static boolean matches(String name) {
    for (String raw : name.toLowerCase(Locale.ROOT).split("[._/]")) {
      String part = raw.replaceFirst("^[0-9]+", "");
      if (part.equals("bias")
          || part.equals("beta")
          || part.equals("gamma")
          || part.startsWith("ln")
          || part.contains("norm")
          || part.equals("wte")
          || part.equals("wpe")
          || part.contains("embedding")) {
        return true;
      }
    }
    return false;
  }
}
