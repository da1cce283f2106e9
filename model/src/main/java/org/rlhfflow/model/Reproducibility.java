package org.rlhfflow.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cross-machine reproducible mode. PyTorch, MKL and oneDNN choose kernels by CPU (AVX2,
 * AVX-512, ...), and different kernels sum in different orders, so the same code, spec and seed
 * give different weights on different x86 machines. With {@code RLHF_REPRODUCIBLE=1} the launcher
 * pins the kernel choice to AVX2 through the environment in {@code reproducible.env} (read by the
 * native libraries when they load, so a running JVM cannot change it); this class checks that the
 * pins are in effect and describes the mode for the run's tags.
 *
 * <pre>{@code
 * Reproducibility.verify();            // before the engine loads; throws if the mode is half set
 * Map<String, String> tags = Reproducibility.tags();
 * }</pre>
 */
public final class Reproducibility {
  public static final String ENV = "RLHF_REPRODUCIBLE";
  static final String PINS_RESOURCE = "reproducible.env";

  private Reproducibility() {}

  /** Whether {@code RLHF_REPRODUCIBLE=1} is set in this process's environment. */
  public static boolean enabled() {
    return enabled(System.getenv());
  }

  static boolean enabled(Map<String, String> env) {
    String v = env.get(ENV);
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  /** The environment variables the mode pins, in file order. */
  public static Map<String, String> pins() {
    try (InputStream in = Reproducibility.class.getResourceAsStream(PINS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + PINS_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        int eq = l.indexOf('=');
        out.put(l.substring(0, eq), l.substring(eq + 1));
      }
    }
    return out;
  }

  /** Fails, in one line, if the mode is on but a pin is missing or different, or the CPU lacks AVX2. */
  public static void verify() {
    String problem = problem(System.getenv(), cpuFlags());
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
  }

  /** The reason the mode cannot run, or null; {@code cpuFlags} null when unknown (not Linux). */
  static String problem(Map<String, String> env, String cpuFlags) {
    if (!enabled(env)) {
      return null;
    }
    for (Map.Entry<String, String> pin : pins().entrySet()) {
      String actual = env.get(pin.getKey());
      if (!pin.getValue().equals(actual)) {
        return ENV + "=1 needs " + pin.getKey() + "=" + pin.getValue() + " in the environment before the JVM"
            + " starts (found " + (actual == null ? "unset" : actual) + "): run through ./rlhf, which sets it, or"
            + " export every line of model/src/main/resources/org/rlhfflow/model/" + PINS_RESOURCE;
      }
    }
    if (cpuFlags != null && !cpuFlags.contains(" avx2")) {
      return ENV + "=1 pins AVX2 kernels, but this CPU has no AVX2: the mode cannot run here";
    }
    return null;
  }

  /** Run tags: the mode, the CPU model and the intra-op thread count, e.g. {@code rlhf.reproducible=1}. */
  public static Map<String, String> tags() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("rlhf.reproducible", enabled() ? "1" : "0");
    t.put("rlhf.cpu_model", cpuModel());
    t.put("rlhf.threads", System.getProperty(Determinism.NUM_THREADS, "unset"));
    t.put("rlhf.fused_kernels", org.rlhfflow.model.nn.FusedKernels.enabled() ? "1" : "0");
    String aten = System.getenv("ATEN_CPU_CAPABILITY");
    t.put("rlhf.aten_cpu_capability", aten == null ? "auto" : aten);
    return t;
  }

  /**
   * What, besides the code, spec and seed, decides whether a resumed run is bit-identical to an
   * uninterrupted one, as one line: the intra-op thread count (reductions split differently), the
   * fused kernels and the reproducible mode (other kernels, other rounding). Heartbeats carry it
   * beside each checkpoint.
   */
  public static String engineStamp() {
    return "threads=" + Determinism.threads()
        + " fused_kernels=" + (org.rlhfflow.model.nn.FusedKernels.enabled() ? 1 : 0)
        + " reproducible=" + (enabled() ? 1 : 0);
  }

  /**
   * Null when a checkpoint written under {@code recorded} (an {@link #engineStamp}, or null from a
   * heartbeat older than stamps) resumes bit-identically under {@code current}; else a sentence
   * saying what changed. Resuming still works either way.
   */
  public static String resumeWarning(String recorded, String current) {
    if (recorded == null || recorded.equals(current)) {
      return null;
    }
    return "checkpoint written with " + recorded + ", resumed with " + current
        + ": the run continues, but is no longer bit-identical to an uninterrupted one";
  }

  /** {@code model name} from /proc/cpuinfo, else os.arch. */
  public static String cpuModel() {
    String info = cpuInfo();
    if (info != null) {
      for (String line : info.split("\n")) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    }
    return System.getProperty("os.arch");
  }

  /** The first {@code flags} line of /proc/cpuinfo with a leading space, or null. */
  private static String cpuFlags() {
    String info = cpuInfo();
    if (info == null) {
      return null;
    }
    for (String line : info.split("\n")) {
      if (line.startsWith("flags")) {
        return " " + line.substring(line.indexOf(':') + 1).strip() + " ";
      }
    }
    return null;
  }

  private static String cpuInfo() {
    try {
      return Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
