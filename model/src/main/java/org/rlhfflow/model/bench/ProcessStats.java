package org.rlhfflow.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's page faults and peak resident memory, from Linux's /proc. Peak RSS is reset
 * between cases through /proc/self/clear_refs ("5" resets VmHWM, Linux 4.0+), so each case reports
 * its own peak. Elsewhere every figure reads -1.
 */
final class ProcessStats {
  private static final Path STAT = Path.of("/proc/self/stat");
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcessStats() {}

  /** Minor page faults so far (field 10 of /proc/self/stat), or -1. */
  static long minorFaults() {
    try {
      String stat = Files.readString(STAT);
      // The command name (field 2) is in parentheses and may hold spaces: count from after it.
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(rest[7]); // rest[0] is field 3 (state), so field 10 is rest[7]
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Resets the peak resident set size to the current one; false where the kernel does not allow it. */
  static boolean resetPeakRss() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Peak resident set size since the last reset, in MiB (VmHWM), or -1. */
  static double peakRssMiB() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return -1;
  }
}
