package org.rlhfflow.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.rlhfflow.model.DecoderConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.model.lora.LoraConfig;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/**
 * Peak resident memory of this process when a model is created (random fp32 weights) and when it
 * then runs one forward/backward pass, by {@link ProcessStats} (VmHWM, reset between the two phases
 * where the kernel allows it; otherwise the second peak includes the first, and {@code peakReset}
 * says so).
 */
public final class MemoryBench {
  private MemoryBench() {}

  /** One measurement; sizes in bytes. */
  public record Result(
      @JsonProperty("shape") String shape,
      @JsonProperty("params") long params,
      @JsonProperty("batch") int batch,
      @JsonProperty("seq") int seq,
      @JsonProperty("rss_before") long rssBefore,
      @JsonProperty("peak_rss_load") long peakRssLoad,
      @JsonProperty("peak_rss_step") long peakRssStep,
      @JsonProperty("peak_reset") boolean peakReset,
      @JsonProperty("trainable_params") long trainableParams,
      @JsonProperty("lora") String lora) {
    /** Bytes of peak RSS added by the forward/backward step, per parameter. */
    public double stepBytesPerParam() {
      return (double) (peakRssStep - rssBefore) / params;
    }
  }

  public static Result run(String shape, DecoderConfig config, int batch, int seq, Consumer<String> progress)
      throws IOException {
    return run(shape, config, batch, seq, null, progress);
  }

  /**
   * As above; with {@code lora} the base is frozen and adapters are attached before the step, so
   * the backward pass makes gradients for the adapters only (Hu et al. 2021, sec. 4.2).
   */
  public static Result run(String shape, DecoderConfig config, int batch, int seq, LoraConfig lora,
      Consumer<String> progress) throws IOException {
    long before = status("VmRSS");
    ProcessStats.resetPeakRss();
    progress.accept(shape + ": creating " + config.numParams() + " random fp32 parameters");
    try (LanguageModel lm = LanguageModel.create(config, new ByteTokenizer(), 0)) {
      long load = peakBytes();
      if (lora != null) {
        lm.attachLora(lora, 1, new LoraCheckpoint.Base("bench", "none"));
      }
      long trainable = 0;
      for (var p : lm.parameters()) {
        trainable += p.getValue().getArray().size();
      }
      boolean reset = ProcessStats.resetPeakRss();
      progress.accept(shape + ": one forward/backward pass, batch " + batch + " x " + seq + " tokens");
      try (NDManager m = lm.manager().newSubManager()) {
        SplittableRandom r = new SplittableRandom(1);
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = r.nextInt(256);
        }
        Shape s = new Shape(batch, seq);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(PlainSgd.lmLoss(lm, m.create(ids, s), m.ones(s)));
        }
      }
      long step = peakBytes();
      return new Result(shape, config.numParams(), batch, seq, before, load, step, reset, trainable,
          lora == null ? null : "rank " + lora.rank() + " on " + lora.targets());
    }
  }

  /** A field of /proc/self/status in bytes (the kernel reports kB). */
  static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("/proc/self/status has no " + field);
  }

  private static long peakBytes() throws IOException {
    double mib = ProcessStats.peakRssMiB();
    if (mib < 0) {
      throw new IOException("/proc/self/status has no VmHWM: peak memory is not measurable here");
    }
    return Math.round(mib * 1024 * 1024);
  }
}
