package org.rlhfflow.model;

/**
 * The one place that fixes the PyTorch thread settings. Call {@link #configure()} before anything
 * touches {@code ai.djl.engine.Engine}: DJL's {@code PtEngine} reads the system properties {@code
 * ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads} once, when it loads
 * (verified against pytorch-engine 0.32.0's {@code PtEngine.newInstance}).
 *
 * <p>Why: intra-op parallelism splits reductions (matmul, sum) across threads, and a different
 * split changes the float summation order. With a fixed thread count, CPU results are
 * bit-identical run to run; with a different count they may differ in the last bits. Values already
 * set on the command line ({@code -Dai.djl.pytorch.num_threads=4}) win. Engine randomness is never
 * used: weights and sampling draw from Java {@link java.util.SplittableRandom}s (see {@link Seeds}).
 */
public final class Determinism {
  public static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  public static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
  public static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

  /**
   * Default intra-op threads. One: the demo's models are small enough that per-op overhead, not
   * arithmetic, bounds a step, and on an oversubscribed machine two OpenMP threads spinning at each
   * barrier made a TINY training step ~20x slower (measured 2.7 s vs 140 ms). Override with
   * RLHF_THREADS (e.g. GPT2_SMALL on a many-core CPU worker); a resumed run must use the same count to
   * be bit-identical.
   */
  public static final int DEFAULT_THREADS = 1;

  private Determinism() {}

  /** Fixes the thread counts (unless already set) with {@link #DEFAULT_THREADS} intra-op threads. */
  public static void configure() {
    String env = System.getenv("RLHF_THREADS");
    configure(env == null || env.isBlank() ? DEFAULT_THREADS : Integer.parseInt(env.trim()));
  }

  /** Fixes the thread counts (unless already set); the inter-op pool gets one thread. */
  public static void configure(int intraOpThreads) {
    if (intraOpThreads <= 0) {
      throw new IllegalArgumentException("intraOpThreads=" + intraOpThreads + " must be > 0");
    }
    Reproducibility.verify(); // a half-set reproducible mode fails here, before the engine loads
    setIfAbsent(NUM_THREADS, Integer.toString(intraOpThreads));
    setIfAbsent(NUM_INTEROP_THREADS, "1");
    // The TorchScript graph optimizer only matters for traced models, which we do not use.
    setIfAbsent(GRAPH_OPTIMIZER, "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
