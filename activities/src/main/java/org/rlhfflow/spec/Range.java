package org.rlhfflow.spec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A numeric interval parsed from {@link Doc#range()}: {@code [a, b]}, {@code (a, b)}, mixed
 * brackets, with {@code inf} for an open end. Keeping the range as text in the annotation means
 * the reference table shows exactly what the loader enforces.
 */
record Range(double lo, boolean loInclusive, double hi, boolean hiInclusive, String text) {

  private static final Pattern INTERVAL =
      Pattern.compile("([\\[(])\\s*(-?inf|[-+0-9.eE]+)\\s*,\\s*(-?inf|[-+0-9.eE]+)\\s*([\\])])");

  /** The parsed interval, or null for an empty text (any value). */
  static Range parse(String text) {
    if (text.isBlank()) {
      return null;
    }
    Matcher m = INTERVAL.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("bad @Doc range \"" + text + "\": want e.g. [0, 1] or (0, inf)");
    }
    return new Range(
        bound(m.group(2)), m.group(1).equals("["), bound(m.group(3)), m.group(4).equals("]"), text.trim());
  }

  private static double bound(String s) {
    return switch (s) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  boolean contains(double v) {
    boolean aboveLo = loInclusive ? v >= lo : v > lo;
    boolean belowHi = hiInclusive ? v <= hi : v < hi;
    return aboveLo && belowHi;
  }
}
