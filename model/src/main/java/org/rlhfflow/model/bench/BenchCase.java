package org.rlhfflow.model.bench;

import java.util.List;
import org.rlhfflow.model.GptConfig;

/**
 * One benchmark point: a preset at a batch size and sequence length, with the fewest timed steps
 * to run inside the timing window (GPT-2 small takes a second per step, so the window decides).
 */
public record BenchCase(String preset, GptConfig config, int batch, int seq, int trainSteps, int newTokens) {
  /** e.g. {@code NANO:16x64}, for {@code rlhf bench model --case}. */
  public String label() {
    return preset + ":" + batch + "x" + seq;
  }

  /** The default sweep: finishes in well under 3 minutes on 2 CPU cores. */
  public static List<BenchCase> defaults() {
    return List.of(
        new BenchCase("NANO", GptConfig.NANO, 16, 64, 10, 32),
        new BenchCase("NANO", GptConfig.NANO.withBlockSize(256), 16, 256, 5, 32),
        new BenchCase("TINY", GptConfig.TINY, 8, 128, 5, 32),
        new BenchCase("TINY", GptConfig.TINY, 16, 256, 3, 32),
        new BenchCase("TINY", GptConfig.TINY, 32, 64, 5, 32),
        new BenchCase("GPT2_SMALL", GptConfig.GPT2_SMALL, 1, 64, 2, 8));
  }
}
