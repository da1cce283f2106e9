package org.rlhfflow.activities;

import java.util.Map;

/**
 * Failure drills: {@code RLHF_INJECT_FAULT=nan:<stage>:<step>} in a worker's environment makes that
 * stage's loss NaN at that step, so operators (and the durability tests) can rehearse a failed run
 * and {@code rlhf resume} on real infrastructure. Unset, it does nothing.
 */
public final class FaultInjection {
  public static final String ENV = "RLHF_INJECT_FAULT";

  private FaultInjection() {}

  /** The metrics, with the first one replaced by NaN when a drill targets this stage and step. */
  static Map<String, Double> apply(String stage, long step, Map<String, Double> metrics, String spec) {
    if (spec == null || spec.isBlank() || metrics.isEmpty()) {
      return metrics;
    }
    String[] parts = spec.split(":");
    if (parts.length != 3 || !parts[0].equals("nan")) {
      throw new IllegalArgumentException(ENV + " must look like nan:<stage>:<step>, got: " + spec);
    }
    if (!parts[1].equals(stage) || Long.parseLong(parts[2]) != step) {
      return metrics;
    }
    Map<String, Double> out = new java.util.LinkedHashMap<>(metrics);
    out.put(out.keySet().iterator().next(), Double.NaN);
    return out;
  }
}
