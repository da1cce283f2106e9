package org.rlhfflow.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports preference pairs from TRL-style or HH-RLHF JSONL (optionally gzipped) into an Arrow
 * preference dataset. Nothing is silent: every line is written or counted under a skip reason.
 *
 * <pre>{@code
 * ImportReport report = PreferenceImporter.importTo(in, out, ImportOptions.hh().withOnBadLine(SKIP));
 * }</pre>
 */
public final class PreferenceImporter {
  private PreferenceImporter() {}

  /** The pairs and the report (without an output digest). */
  public record Result(List<PreferencePair> pairs, ImportReport report) {}

  /**
   * Reads all pairs. In FAIL mode the first malformed line throws a {@link DatasetException} naming
   * the file and the line; filtered pairs (prefix mismatch, identical responses) never fail.
   */
  public static Result read(Path in, ImportOptions options) {
    PairParser parser = new PairParser(options);
    List<PreferencePair> pairs = new ArrayList<>();
    Map<String, Long> skipped = new TreeMap<>();
    List<ImportReport.BadLine> bad = new ArrayList<>();
    try (JsonlLines lines = JsonlLines.open(in)) {
      for (String line = lines.next(); line != null; line = lines.next()) {
        try {
          pairs.add(parser.parse(line));
        } catch (PairParser.LineRejected r) {
          if (r.malformed && options.onBadLine() == ImportOptions.OnBadLine.FAIL) {
            throw new DatasetException(
                in, "line " + lines.lineNumber() + ": " + r.getMessage() + " (use --on-bad-line skip to skip such lines)");
          }
          skipped.merge(r.reason, 1L, Long::sum);
          if (r.malformed && bad.size() < options.maxReportedBadLines()) {
            bad.add(new ImportReport.BadLine(lines.lineNumber(), r.getMessage()));
          }
        }
      }
      long read = lines.lineNumber();
      return new Result(pairs, new ImportReport(read, pairs.size(), skipped, bad, parser.promptMode(), null));
    }
  }

  /** Reads {@code in} and writes the pairs to {@code out} atomically: a failed import leaves {@code out} as it was. */
  public static ImportReport importTo(Path in, Path out, ImportOptions options) throws IOException {
    Result result = read(in, options);
    ArrowDatasets.writePreferences(out, result.pairs());
    return result.report().withOutputSha256(sha256(out));
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
