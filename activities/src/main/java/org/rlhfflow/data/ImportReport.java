package org.rlhfflow.data;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an import did: every row read is either paired or skipped for a named reason, so {@code
 * rowsRead == rowsPaired + sum(skipped)}. A rated row may give several pairs, any other row one.
 *
 * @param rowsRead rows read from the input (blank lines included)
 * @param rowsPaired rows that gave at least one pair
 * @param rowsWritten pairs written
 * @param skipped skip count per reason, e.g. {@code prefix_mismatch}, {@code invalid_json}
 * @param firstBadLines the first few malformed lines with their reasons
 * @param promptMode how prompts were found: {@code explicit field "prompt"}, {@code implicit
 *     (shared prefix)} or {@code hh (last Assistant turn)}
 * @param annotatorAgreement mean share of annotators voting with the majority label, over rows
 *     with several label fields; null without them
 * @param outputSha256 sha256 of the written Arrow file; null when nothing was written
 */
public record ImportReport(
    long rowsRead,
    long rowsPaired,
    long rowsWritten,
    Map<String, Long> skipped,
    List<BadLine> firstBadLines,
    String promptMode,
    Double annotatorAgreement,
    String outputSha256) {

  public ImportReport {
    skipped = Map.copyOf(skipped);
    firstBadLines = List.copyOf(firstBadLines);
  }

  /** One malformed input line. */
  public record BadLine(String where, String reason) {}

  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  public ImportReport withOutputSha256(String sha256) {
    return new ImportReport(rowsRead, rowsPaired, rowsWritten, skipped, firstBadLines, promptMode, annotatorAgreement, sha256);
  }

  /** A short human-readable summary table. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-24s %10d%n", "rows read", rowsRead));
    if (rowsPaired != rowsWritten) {
      out.append(String.format(Locale.ROOT, "%-24s %10d%n", "rows paired", rowsPaired));
    }
    out.append(String.format(Locale.ROOT, "%-24s %10d%n", "pairs written", rowsWritten));
    new TreeMap<>(skipped).forEach((reason, n) -> out.append(String.format(Locale.ROOT, "%-24s %10d%n", "skipped: " + reason, n)));
    out.append(String.format(Locale.ROOT, "%-24s %s%n", "prompt", promptMode));
    if (annotatorAgreement != null) {
      out.append(String.format(Locale.ROOT, "%-24s %10.3f%n", "annotator agreement", annotatorAgreement));
    }
    if (outputSha256 != null) {
      out.append(String.format(Locale.ROOT, "%-24s %s%n", "output sha256", outputSha256));
    }
    for (BadLine b : firstBadLines) {
      out.append(String.format(Locale.ROOT, "  %s: %s%n", b.where(), b.reason()));
    }
    return out.toString();
  }
}
