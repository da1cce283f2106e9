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

  /**
   * Fixes the thread counts (unless already set) from RLHF_THREADS: a number, {@code auto} (the
   * cores that are free now, see {@link #freeCores}), or unset for {@link #DEFAULT_THREADS}.
   */
  public static void configure() {
    configure(threadsFrom(System.getenv("RLHF_THREADS"), Runtime.getRuntime().availableProcessors(),
        loadAverage()));
  }

  /**
   * The intra-op thread count that RLHF_THREADS asks for.
   *
   * @param cores the processors this JVM may use
   * @param load the 1-minute load average, or a negative number when unknown
   */
  static int threadsFrom(String env, int cores, double load) {
    if (env == null || env.isBlank()) {
      return DEFAULT_THREADS;
    }
    String v = env.trim();
    if (v.equalsIgnoreCase("auto")) {
      return freeCores(cores, load);
    }
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("RLHF_THREADS=" + env + ": expected a positive integer or auto");
  }

  /**
   * Cores not busy with other work: the processors minus the 1-minute load average, at least one.
   * More threads than free cores make OpenMP threads spin at every barrier (see {@link
   * #DEFAULT_THREADS}).
   */
  static int freeCores(int cores, double load) {
    if (load < 0) {
      return Math.max(1, cores);
    }
    return (int) Math.max(1, Math.min(cores, cores - Math.round(load)));
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** The intra-op thread count in force (after {@link #configure}), for run tags and summaries. */
  public static int threads() {
    String v = System.getProperty(NUM_THREADS);
    return v == null ? DEFAULT_THREADS : Integer.parseInt(v);
  }

  /** Fixes the thread counts (unless already set); the inter-op pool gets one thread. */
  public static void configure(int intraOpThreads) {
    if (intraOpThreads <= 0) {
      throw new IllegalArgumentException("intraOpThreads=" + intraOpThreads + " must be > 0");
    }
    Reproducibility.verify(); // a half-set reproducible mode fails here, before the engine loads
    setIfAbsent(NUM_THREADS, Integer.toString(intraOpThreads));
    setIfAbsent(NUM_INTEROP_THREADS, "1");
    // The TorchScript graph optimizer profiles and re-specialises graphs; FusedKernels' methods are
    // one op each, run as written.
    setIfAbsent(GRAPH_OPTIMIZER, "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
