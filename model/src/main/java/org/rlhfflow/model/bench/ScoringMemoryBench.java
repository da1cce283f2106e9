package org.rlhfflow.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/**
 * Peak resident memory of scoring one rollout batch (token log-probs and entropies, no grad), by
 * the full-vocabulary log-softmax that PPO used before, or by {@code LanguageModel.scoreSampled}
 * (gather minus logsumexp, logits built one row chunk at a time). Linux only: it reads the
 * process's high-water mark {@code VmHWM}, which never goes down, so each method needs a fresh
 * process ({@code rlhf bench memory} starts one per method).
 */
public final class ScoringMemoryBench {
  private ScoringMemoryBench() {}

  /**
   * @param baselineKb high-water mark after the model is built, before scoring
   * @param peakKb high-water mark after scoring
   */
  public record Result(String method, String preset, int batch, int seq, int vocab, long baselineKb, long peakKb,
      double seconds) {
    public double scoringPeakMb() {
      return (peakKb - baselineKb) / 1024.0;
    }
  }

  /** The methods: the forward pass alone (the floor), the former full log-softmax, the chunked scoring. */
  public static final java.util.List<String> METHODS = java.util.List.of("forward_only", "full_log_softmax", "chunked");

  public static Result run(String preset, GptConfig cfg, int batch, int seq, String method) throws IOException {
    try (LanguageModel lm = LanguageModel.create(cfg, new ByteTokenizer(), 0);
        NoGrad ng = NoGrad.enter();
        NDManager m = lm.manager().newSubManager()) {
      SplittableRandom r = new SplittableRandom(3);
      long[] ids = new long[batch * seq];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = r.nextInt(256);
      }
      Shape shape = new Shape(batch, seq);
      NDArray x = m.create(ids, shape);
      NDArray mask = m.ones(shape);
      long base = highWaterKb();
      long t0 = System.nanoTime();
      float check;
      if (method.equals("forward_only")) {
        check = lm.gpt().hidden(x, mask).sum().getFloat();
      } else if (method.equals("chunked")) {
        var s = lm.scoreSampled(x, mask, 1.0, true);
        check = s.logprobs().sum().getFloat() + s.entropy().sum().getFloat();
      } else if (method.equals("full_log_softmax")) {
        NDArray logp = lm.logits(x, mask).get(":, :-1, :").logSoftmax(-1); // (B, T-1, V)
        NDArray next = x.get(":, 1:").toType(DataType.INT64, false).expandDims(2); // (B, T-1, 1)
        NDArray lp = logp.gather(next, 2).squeeze(2); // (B, T-1)
        NDArray h = logp.exp().mul(logp).sum(new int[] {-1}).neg(); // (B, T-1)
        check = lp.sum().getFloat() + h.sum().getFloat();
      } else {
        throw new IllegalArgumentException("method " + method + " is not one of " + METHODS);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (!Float.isFinite(check)) {
        throw new IllegalStateException("scoring gave a non-finite sum: " + check);
      }
      return new Result(method, preset, batch, seq, cfg.vocabSize(), base,
          highWaterKb(), seconds);
    }
  }

  /** VmHWM of this process in kB, from /proc/self/status. */
  static long highWaterKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmHWM in /proc/self/status (not Linux?)");
  }
}
