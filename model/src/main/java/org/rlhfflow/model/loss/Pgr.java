package org.rlhfflow.model.loss;

/**
 * Performance gap recovered (Burns et al. 2023, section 3): the fraction of the gap between the
 * weak supervisor and the strong ceiling that the weak-to-strong student closes. 1 is full
 * recovery, 0 is no better than the weak supervisor; it can be negative or exceed 1.
 */
public final class Pgr {
  private Pgr() {}

  /** (weakToStrong − weak) / (strongCeiling − weak), for any metric where higher is better. */
  public static double compute(double weak, double weakToStrong, double strongCeiling) {
    double gap = strongCeiling - weak;
    if (gap == 0 || !Double.isFinite(gap) || !Double.isFinite(weakToStrong)) {
      throw new IllegalArgumentException(
          "PGR is undefined: weak=" + weak + " weakToStrong=" + weakToStrong + " strongCeiling="
              + strongCeiling + " (need finite values and strongCeiling != weak)");
    }
    return (weakToStrong - weak) / gap;
  }
}
