package org.rlhfflow.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/**
 * Measures the model on this machine: the fp32 matmul peak, training tokens/s (forward + backward
 * + plain SGD) with MFU against that peak (Chowdhery et al. 2022, appendix B), and decoding
 * tokens/s with and without the KV cache. Inputs are seeded random tokens; each timing follows a
 * warm-up (see {@link #WARMUP_S}).
 */
public final class ModelBench {
  private static final int MATMUL_N = 2048;

  private ModelBench() {}

  /** GFLOP/s of a float32 2048 x 2048 matmul, best of a few repetitions. */
  public static double peakGflops() {
    try (NoGrad ng = NoGrad.enter();
        NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.randomUniform(-1, 1, new Shape(MATMUL_N, MATMUL_N));
      NDArray b = m.randomUniform(-1, 1, new Shape(MATMUL_N, MATMUL_N));
      a.matMul(b).close(); // warm-up
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 4; i++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0); // forces completion
        }
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      return 2.0 * MATMUL_N * MATMUL_N * MATMUL_N / best / 1e9;
    }
  }

  /** Runs one case; {@code progress} receives a line per phase. */
  public static BenchResult run(BenchCase c, double peakGflops, Consumer<String> progress) {
    ProcessStats.resetPeakRss();
    long faults0 = ProcessStats.minorFaults();
    try (LanguageModel lm = LanguageModel.create(c.config(), new ByteTokenizer(), 0)) {
      progress.accept(c.preset() + " b=" + c.batch() + " t=" + c.seq() + ": train");
      double trainTps = trainTokensPerSecond(lm, c);
      double mfu = trainTps * c.config().flopsPerToken(c.seq()) / (peakGflops * 1e9);
      progress.accept(c.preset() + " b=" + c.batch() + " t=" + c.seq() + ": generate");
      double kv = genTokensPerSecond(lm, c, true);
      double noKv = genTokensPerSecond(lm, c, false);
      long faults = faults0 < 0 ? -1 : ProcessStats.minorFaults() - faults0;
      return new BenchResult(c.preset(), c.batch(), c.seq(), c.config().numParams(), trainTps, mfu, kv, noKv,
          ProcessStats.peakRssMiB(), faults);
    }
  }

  /**
   * Seconds of untimed warm-up before each timing, then at least this many seconds timed. The JVM
   * compiles the Java side of every op (DJL's wrappers, the sampler) while it runs: timed from a
   * cold start, the same case varied up to 6x between runs and within one (NANO decoding went from
   * 4k to 25k tokens/s over its first hundred generations). Python has no such phase, so the
   * windows only change our side's figures; bench_eager.py uses the same rule.
   */
  static final double WARMUP_S = 3.0;

  static final double TIMED_S = 2.0;

  private static double trainTokensPerSecond(LanguageModel lm, BenchCase c) {
    SplittableRandom r = new SplittableRandom(1);
    Runnable step = () -> {
      try (NDManager m = lm.manager().newSubManager()) {
        long[] ids = new long[c.batch() * c.seq()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = r.nextInt(256);
        }
        Shape shape = new Shape(c.batch(), c.seq());
        PlainSgd.step(lm, m.create(ids, shape), m.ones(shape), 1e-4f);
      }
    };
    double[] timed = window(step, 2, c.trainSteps());
    return timed[0] * c.batch() * c.seq() / timed[1];
  }

  /**
   * Runs {@code work} untimed for {@link #WARMUP_S} (at least {@code minWarmup} times), then timed
   * until {@link #TIMED_S} have passed and it ran at least {@code minTimed} times; returns {runs,
   * seconds} of the timed part.
   */
  static double[] window(Runnable work, int minWarmup, int minTimed) {
    long t0 = System.nanoTime();
    for (int i = 0; i < minWarmup || System.nanoTime() - t0 < WARMUP_S * 1e9; i++) {
      work.run();
    }
    long start = System.nanoTime();
    int runs = 0;
    while (runs < minTimed || System.nanoTime() - start < TIMED_S * 1e9) {
      work.run();
      runs++;
    }
    return new double[] {runs, (System.nanoTime() - start) / 1e9};
  }

  /**
   * Prompts fill the sequence minus the new tokens; EOS is disabled so every row runs fully. With
   * the KV cache, whole generations in the warm-up and timed windows; without it (seconds per
   * generation at the larger shapes, and not compared with eager), a 2-token warm-up and one
   * timed generation.
   */
  private static double genTokensPerSecond(LanguageModel lm, BenchCase c, boolean kv) {
    int promptLen = Math.max(1, c.seq() - c.newTokens());
    SplittableRandom r = new SplittableRandom(2);
    int[][] prompts = new int[c.batch()][promptLen];
    for (int[] p : prompts) {
      for (int i = 0; i < promptLen; i++) {
        p[i] = r.nextInt(256);
      }
    }
    GenerationConfig cfg = new GenerationConfig(c.newTokens(), 1.0, 0, 1.0, false, -1, ByteTokenizer.PAD);
    Generator gen = new Generator(lm.gpt());
    if (kv) {
      double[] timed = window(() -> gen.generate(prompts, cfg, 0, true), 1, 1);
      return timed[0] * c.batch() * c.newTokens() / timed[1];
    }
    gen.generate(prompts, cfg.withMaxNewTokens(2), 0, false); // warm-up
    long t0 = System.nanoTime();
    gen.generate(prompts, cfg, 0, false);
    return (double) c.batch() * c.newTokens() / ((System.nanoTime() - t0) / 1e9);
  }
}
