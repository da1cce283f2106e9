package org.rlhfflow.data;

import java.util.List;
import java.util.Objects;

/**
 * How {@link PreferenceImporter} reads a file of preference rows (JSONL, a JSON array or Parquet,
 * told apart by content).
 *
 * @param format trl (explicit or implicit prompt, text or conversational), hh (Anthropic HH-RLHF
 *     transcripts) or rated (UltraFeedback-style scored completions)
 * @param promptField field of the prompt (trl explicit format; absent in the first row means implicit)
 * @param chosenField field of the preferred text; with {@code labelFields}, of the first response
 * @param rejectedField field of the dispreferred text; with {@code labelFields}, of the second response
 * @param marginField field of a numeric margin, or null for none
 * @param onBadLine whether a malformed row fails the import or is skipped and counted
 * @param maxReportedBadLines how many bad rows the report lists with their reasons
 * @param source value of the {@code source} column, e.g. {@code hh-rlhf}
 * @param labelFields winner-index fields (1: first wins, 2: second wins, 0: tie); several are
 *     annotators and their majority decides; empty when chosen and rejected are already ordered
 * @param ratings how rated rows become pairs (format rated only)
 * @param chatTemplate renders conversational (message-list) rows
 * @param allowEmpty write an empty dataset instead of failing when no pair comes out
 */
public record ImportOptions(
    Format format,
    String promptField,
    String chosenField,
    String rejectedField,
    String marginField,
    OnBadLine onBadLine,
    int maxReportedBadLines,
    String source,
    List<String> labelFields,
    Ratings ratings,
    ChatTemplate chatTemplate,
    boolean allowEmpty) {

  public ImportOptions {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(promptField, "promptField");
    Objects.requireNonNull(chosenField, "chosenField");
    Objects.requireNonNull(rejectedField, "rejectedField");
    Objects.requireNonNull(onBadLine, "onBadLine");
    Objects.requireNonNull(ratings, "ratings");
    Objects.requireNonNull(chatTemplate, "chatTemplate");
    labelFields = List.copyOf(labelFields);
    if (maxReportedBadLines < 0) {
      throw new IllegalArgumentException("maxReportedBadLines must be >= 0, got " + maxReportedBadLines);
    }
    if (!labelFields.isEmpty() && format != Format.TRL) {
      throw new IllegalArgumentException("label fields need format trl, got " + format.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  public ImportOptions(
      Format format, String promptField, String chosenField, String rejectedField, String marginField,
      OnBadLine onBadLine, int maxReportedBadLines, String source) {
    this(format, promptField, chosenField, rejectedField, marginField, onBadLine, maxReportedBadLines, source,
        List.of(), Ratings.DEFAULT, ChatTemplate.hh(), false);
  }

  /** TRL's field names, failing on the first bad line. */
  public static ImportOptions trl() {
    return new ImportOptions(Format.TRL, "prompt", "chosen", "rejected", null, OnBadLine.FAIL, 10, "trl");
  }

  /** HH-RLHF's field names, failing on the first bad line. */
  public static ImportOptions hh() {
    return new ImportOptions(Format.HH, "prompt", "chosen", "rejected", null, OnBadLine.FAIL, 10, "hh-rlhf");
  }

  /** openbmb/UltraFeedback's field names: {@code instruction}, {@code completions[].response}, {@code overall_score}. */
  public static ImportOptions rated() {
    return new ImportOptions(Format.RATED, "instruction", "chosen", "rejected", null, OnBadLine.FAIL, 10, "ultrafeedback");
  }

  public ImportOptions withOnBadLine(OnBadLine mode) {
    return new ImportOptions(format, promptField, chosenField, rejectedField, marginField, mode, maxReportedBadLines, source,
        labelFields, ratings, chatTemplate, allowEmpty);
  }

  public ImportOptions withFields(String prompt, String chosen, String rejected, String margin) {
    return new ImportOptions(format, prompt, chosen, rejected, margin, onBadLine, maxReportedBadLines, source,
        labelFields, ratings, chatTemplate, allowEmpty);
  }

  public ImportOptions withMaxReportedBadLines(int n) {
    return new ImportOptions(format, promptField, chosenField, rejectedField, marginField, onBadLine, n, source,
        labelFields, ratings, chatTemplate, allowEmpty);
  }

  public ImportOptions withLabelFields(List<String> fields) {
    return new ImportOptions(format, promptField, chosenField, rejectedField, marginField, onBadLine, maxReportedBadLines, source,
        fields, ratings, chatTemplate, allowEmpty);
  }

  public ImportOptions withRatings(Ratings r) {
    return new ImportOptions(format, promptField, chosenField, rejectedField, marginField, onBadLine, maxReportedBadLines, source,
        labelFields, r, chatTemplate, allowEmpty);
  }

  public ImportOptions withChatTemplate(ChatTemplate t) {
    return new ImportOptions(format, promptField, chosenField, rejectedField, marginField, onBadLine, maxReportedBadLines, source,
        labelFields, ratings, t, allowEmpty);
  }

  public ImportOptions withAllowEmpty(boolean allow) {
    return new ImportOptions(format, promptField, chosenField, rejectedField, marginField, onBadLine, maxReportedBadLines, source,
        labelFields, ratings, chatTemplate, allow);
  }

  /**
   * How rated rows (several scored completions of one prompt) become pairs.
   *
   * @param completionsField list field holding the completions
   * @param responseField text field of a completion
   * @param scoreField numeric score field of a completion
   * @param pairing best vs. one random lower-scored other, or every pair whose scores differ enough
   * @param scoreGap a pair needs {@code score(chosen) - score(rejected) > scoreGap}
   * @param seed picks the random other (best-vs-random), mixed with the row number: same file and seed, same pairs
   */
  public record Ratings(
      String completionsField, String responseField, String scoreField, Pairing pairing, double scoreGap, long seed) {
    public static final Ratings DEFAULT = new Ratings("completions", "response", "overall_score", Pairing.BEST_VS_RANDOM, 0.0, 0);

    public Ratings {
      Objects.requireNonNull(completionsField, "completionsField");
      Objects.requireNonNull(responseField, "responseField");
      Objects.requireNonNull(scoreField, "scoreField");
      Objects.requireNonNull(pairing, "pairing");
      if (!(scoreGap >= 0)) {
        throw new IllegalArgumentException("scoreGap must be >= 0, got " + scoreGap);
      }
    }
  }

  /** Input layouts. */
  public enum Format {
    TRL,
    HH,
    RATED
  }

  /** Rated rows to pairs: best vs. a random other is HuggingFaceH4/ultrafeedback_binarized's rule; all pairs keeps every comparison. */
  public enum Pairing {
    BEST_VS_RANDOM,
    ALL_ABOVE_GAP
  }

  /** What a malformed row does. */
  public enum OnBadLine {
    FAIL,
    SKIP
  }
}
