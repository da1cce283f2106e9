package org.rlhfflow.data;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Imports preference pairs into an Arrow preference dataset from TRL-style, HH-RLHF or rated
 * (UltraFeedback-style) rows in JSONL, a JSON array or Parquet (optionally gzipped, all told by
 * content). Nothing is silent: every row is used or counted under a skip reason.
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
   * Reads all pairs. In FAIL mode the first malformed row throws a {@link DatasetException} naming
   * the file and the row; filtered rows (prefix mismatch, identical responses, ties) never fail.
   * No pair at all fails too, unless the options allow an empty result.
   */
  public static Result read(Path in, ImportOptions options) {
    PairParser parser = new PairParser(options);
    List<PreferencePair> pairs = new ArrayList<>();
    Map<String, Long> skipped = new TreeMap<>();
    List<ImportReport.BadLine> bad = new ArrayList<>();
    long paired = 0;
    try (RowSource rows = RowSource.open(in)) {
      while (true) {
        try {
          JsonNode row = rows.next();
          if (row == null) {
            break;
          }
          pairs.addAll(parser.parse(row));
          paired++;
        } catch (LineRejected r) {
          if (r.malformed && options.onBadLine() == ImportOptions.OnBadLine.FAIL) {
            throw new DatasetException(in, rows.where() + ": " + r.getMessage() + " (use --on-bad-line skip to skip such rows)");
          }
          skipped.merge(r.reason, 1L, Long::sum);
          if (r.malformed && bad.size() < options.maxReportedBadLines()) {
            bad.add(new ImportReport.BadLine(rows.where(), r.getMessage()));
          }
        } catch (PairParser.UnpairedFeedback e) {
          throw new DatasetException(in, rows.where() + ": " + e.getMessage());
        }
      }
      ImportReport report =
          new ImportReport(rows.rowsRead(), paired, pairs.size(), skipped, bad, parser.promptMode(), parser.agreement(), null);
      if (pairs.isEmpty() && !options.allowEmpty()) {
        throw new DatasetException(in, empty(report) + "; pass --allow-empty to write an empty dataset");
      }
      return new Result(pairs, report);
    }
  }

  private static String empty(ImportReport report) {
    if (report.rowsRead() == 0) {
      return "no rows: the input is empty";
    }
    return "no pairs: all " + report.rowsRead() + " rows were skipped " + report.skipped();
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
