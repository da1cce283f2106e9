package org.rlhfflow.data;

import java.util.Objects;

/**
 * How {@link PreferenceImporter} reads a JSONL file of preference pairs.
 *
 * @param format trl (explicit or implicit prompt) or hh (Anthropic HH-RLHF transcripts)
 * @param promptField JSON field of the prompt (trl explicit format; absent in the first row means implicit)
 * @param chosenField JSON field of the preferred text
 * @param rejectedField JSON field of the dispreferred text
 * @param marginField JSON field of a numeric margin, or null for none
 * @param onBadLine whether a malformed line fails the import or is skipped and counted
 * @param maxReportedBadLines how many bad lines the report lists with their reasons
 * @param source value of the {@code source} column, e.g. {@code hh-rlhf}
 */
public record ImportOptions(
    Format format,
    String promptField,
    String chosenField,
    String rejectedField,
    String marginField,
    OnBadLine onBadLine,
    int maxReportedBadLines,
    String source) {

  public ImportOptions {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(promptField, "promptField");
    Objects.requireNonNull(chosenField, "chosenField");
    Objects.requireNonNull(rejectedField, "rejectedField");
    Objects.requireNonNull(onBadLine, "onBadLine");
    if (maxReportedBadLines < 0) {
      throw new IllegalArgumentException("maxReportedBadLines must be >= 0, got " + maxReportedBadLines);
    }
  }

  /** TRL's field names, failing on the first bad line. */
  public static ImportOptions trl() {
    return new ImportOptions(Format.TRL, "prompt", "chosen", "rejected", null, OnBadLine.FAIL, 10, "trl");
  }

  /** HH-RLHF's field names, failing on the first bad line. */
  public static ImportOptions hh() {
    return new ImportOptions(Format.HH, "prompt", "chosen", "rejected", null, OnBadLine.FAIL, 10, "hh-rlhf");
  }

  public ImportOptions withOnBadLine(OnBadLine mode) {
    return new ImportOptions(format, promptField, chosenField, rejectedField, marginField, mode, maxReportedBadLines, source);
  }

  public ImportOptions withFields(String prompt, String chosen, String rejected, String margin) {
    return new ImportOptions(format, prompt, chosen, rejected, margin, onBadLine, maxReportedBadLines, source);
  }

  /** Input layouts. */
  public enum Format {
    TRL,
    HH
  }

  /** What a malformed line does. */
  public enum OnBadLine {
    FAIL,
    SKIP
  }
}
