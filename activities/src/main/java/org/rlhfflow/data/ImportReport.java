package org.rlhfflow.data;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an import did: every line read is either written or skipped for a named reason, so {@code
 * rowsRead == rowsWritten + sum(skipped)}.
 *
 * @param rowsRead lines read from the input (blank lines included)
 * @param rowsWritten pairs written
 * @param skipped skip count per reason, e.g. {@code prefix_mismatch}, {@code invalid_json}
 * @param firstBadLines the first few malformed lines with their reasons
 * @param promptMode how prompts were found: {@code explicit field "prompt"}, {@code implicit
 *     (shared prefix)} or {@code hh (last Assistant turn)}
 * @param outputSha256 sha256 of the written Arrow file; null when nothing was written
 */
public record ImportReport(
    long rowsRead,
    long rowsWritten,
    Map<String, Long> skipped,
    List<BadLine> firstBadLines,
    String promptMode,
    String outputSha256) {

  public ImportReport {
    skipped = Map.copyOf(skipped);
    firstBadLines = List.copyOf(firstBadLines);
  }

  /** One malformed input line. */
  public record BadLine(long line, String reason) {}

  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  public ImportReport withOutputSha256(String sha256) {
    return new ImportReport(rowsRead, rowsWritten, skipped, firstBadLines, promptMode, sha256);
  }

  /** A short human-readable summary table. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-24s %10d%n", "rows read", rowsRead));
    out.append(String.format(Locale.ROOT, "%-24s %10d%n", "rows written", rowsWritten));
    new TreeMap<>(skipped).forEach((reason, n) -> out.append(String.format(Locale.ROOT, "%-24s %10d%n", "skipped: " + reason, n)));
    out.append(String.format(Locale.ROOT, "%-24s %s%n", "prompt", promptMode));
    if (outputSha256 != null) {
      out.append(String.format(Locale.ROOT, "%-24s %s%n", "output sha256", outputSha256));
    }
    for (BadLine b : firstBadLines) {
      out.append(String.format(Locale.ROOT, "  line %d: %s%n", b.line(), b.reason()));
    }
    return out.toString();
  }
}
