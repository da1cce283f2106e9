package org.rlhfflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.LlamaConfig;
import org.rlhfflow.model.bench.MemoryBench;
import org.rlhfflow.model.lora.LoraConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf bench memory}: peak RSS to create and to train one step of Qwen2.5-0.5B's shape. */
@Command(
    name = "finetune-memory",
    description = "Peak RSS when creating a random Qwen2.5-0.5B-shaped model and in one forward/backward pass.")
public final class BenchMemoryCommand implements Callable<Integer> {
  private static final double GIB = 1024.0 * 1024 * 1024;

  @Option(names = "--batch", description = "Sequences in the step (default: ${DEFAULT-VALUE}).")
  int batch = 1;

  @Option(names = "--seq", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
  int seq = 64;

  @Option(names = "--json", description = "Also print one JSON object on the last stdout line.")
  boolean json;

  @Option(names = "--threads", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}).")
  int threads = Determinism.DEFAULT_THREADS;

  @Option(names = "--lora-rank", description = "Freeze the base and train LoRA adapters of this rank (default: full fine-tuning).")
  Integer loraRank;

  @Option(names = "--lora-targets", split = ",",
      description = "Modules that get adapters with --lora-rank (default: ${DEFAULT-VALUE}).")
  java.util.List<String> loraTargets = java.util.List.of("q_proj", "v_proj");

  @Override
  public Integer call() throws Exception {
    Determinism.configure(threads);
    MemoryBench.Result r =
        MemoryBench.run("qwen2.5-0.5b", LlamaConfig.QWEN2_5_0_5B, batch, seq,
            loraRank == null ? null : new LoraConfig(loraRank, 2.0 * loraRank, loraTargets), System.err::println);
    System.out.printf(Locale.ROOT, "%-13s %12s %6s %5s %10s %14s %14s%n",
        "shape", "params", "batch", "seq", "rss before", "peak RSS load", "peak RSS step");
    System.out.printf(Locale.ROOT, "%-13s %12d %6d %5d %8.2f G %12.2f G %12.2f G%s%n",
        r.shape(), r.params(), r.batch(), r.seq(), r.rssBefore() / GIB, r.peakRssLoad() / GIB,
        r.peakRssStep() / GIB, r.peakReset() ? "" : "  (peak not resettable: step includes load)");
    System.out.printf(Locale.ROOT, "step: %.1f bytes of peak RSS per parameter above the starting RSS%n",
        r.stepBytesPerParam());
    System.out.printf(Locale.ROOT, "trainable parameters: %d%s%n", r.trainableParams(),
        r.lora() == null ? " (full fine-tuning)" : " (LoRA " + r.lora() + ")");
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(r));
    }
    return 0;
  }
}
