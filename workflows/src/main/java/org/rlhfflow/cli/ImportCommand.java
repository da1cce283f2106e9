package org.rlhfflow.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rlhfflow.data.ChatTemplate;
import org.rlhfflow.data.DatasetException;
import org.rlhfflow.data.ImportOptions;
import org.rlhfflow.data.ImportReport;
import org.rlhfflow.data.PreferenceImporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rlhf import}: preference rows (JSONL, JSON array or Parquet) into an Arrow dataset. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import preference pairs into an Arrow preference dataset. The input may be JSONL, a JSON array or"
          + " Parquet, optionally gzipped: all told by content, not by name.",
      "trl: rows with prompt/chosen/rejected, or chosen/rejected only (the prompt is their shared prefix,"
          + " cut at a word boundary); text or message lists (rendered with the chat template).",
      "hh: Anthropic HH-RLHF transcripts; the prompt runs through the last \\n\\nAssistant: turn.",
      "rated: UltraFeedback-style rows, one prompt and several scored completions, paired by --pairs."
    })
public final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--format", required = true, description = "Input layout: trl, hh or rated (alias ultrafeedback).")
  String format;

  @Parameters(paramLabel = "IN", description = "Input file: JSONL, JSON array or Parquet; gzip is detected from its first bytes.")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "OUT.arrow", description = "Arrow file to write (atomically).")
  Path out;

  @Option(
      names = "--on-bad-line",
      defaultValue = "fail",
      description = "fail: stop at the first malformed row; skip: skip and count it. Default: ${DEFAULT-VALUE}.")
  String onBadLine;

  @Option(names = "--prompt-field", description = "Prompt field. Default: prompt (rated: instruction).")
  String promptField;

  @Option(names = "--chosen-field", defaultValue = "chosen", description = "Preferred text field (with --label-field: the first response). Default: ${DEFAULT-VALUE}.")
  String chosenField;

  @Option(names = "--rejected-field", defaultValue = "rejected", description = "Dispreferred text field (with --label-field: the second response). Default: ${DEFAULT-VALUE}.")
  String rejectedField;

  @Option(names = "--margin-field", description = "Numeric margin field; none by default (rated: the score difference).")
  String marginField;

  @Option(
      names = "--label-field",
      split = ",",
      paramLabel = "F[,F...]",
      description = "Winner field(s), trl only: 1 keeps chosen/rejected, 2 swaps them, 0 is a tie (no pair). Several fields are annotators: the majority wins and the agreement is reported.")
  List<String> labelFields = List.of();

  @Option(names = "--pairs", defaultValue = "best-vs-random", description = "rated: best-vs-random or all-above-gap. Default: ${DEFAULT-VALUE}.")
  String pairs;

  @Option(names = "--score-gap", defaultValue = "0", description = "rated: a pair needs score(chosen) - score(rejected) > GAP. Default: ${DEFAULT-VALUE}.")
  double scoreGap;

  @Option(names = "--seed", defaultValue = "0", description = "rated, best-vs-random: picks the random other. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--completions-field", defaultValue = "completions", description = "rated: list of completions. Default: ${DEFAULT-VALUE}.")
  String completionsField;

  @Option(names = "--response-field", defaultValue = "response", description = "rated: a completion's text. Default: ${DEFAULT-VALUE}.")
  String responseField;

  @Option(names = "--score-field", defaultValue = "overall_score", description = "rated: a completion's score. Default: ${DEFAULT-VALUE}.")
  String scoreField;

  @Option(
      names = "--chat-template",
      defaultValue = "default",
      paramLabel = "TOKENIZER_DIR|default",
      description = "How message lists are rendered: a Hugging Face tokenizer directory (its tokenizer_config.json chat_template,"
          + " rendered as apply_chat_template does), or default (HH-RLHF's Human/Assistant layout). Default: ${DEFAULT-VALUE}.")
  String chatTemplate;

  @Option(names = "--allow-empty", description = "Write an empty dataset when no pair comes out, instead of failing.")
  boolean allowEmpty;

  @Option(names = "--max-bad-lines", defaultValue = "10", description = "Bad rows listed in the report. Default: ${DEFAULT-VALUE}.")
  int maxBadLines;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ImportCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ImportOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      ImportReport report = PreferenceImporter.importTo(in, out, options);
      System.out.println("wrote " + out);
      System.out.print(report.table());
      return 0;
    } catch (DatasetException e) {
      System.err.println("rlhf import: failed, " + out + " not written: " + e.getMessage());
      return CliErrors.USER_ERROR;
    }
  }

  private ImportOptions options() {
    ImportOptions base =
        switch (format.toLowerCase(Locale.ROOT)) {
          case "trl" -> ImportOptions.trl();
          case "hh" -> ImportOptions.hh();
          case "rated", "ultrafeedback" -> ImportOptions.rated();
          default -> throw new IllegalArgumentException("--format must be trl, hh or rated, got " + format);
        };
    ImportOptions.Ratings ratings =
        new ImportOptions.Ratings(completionsField, responseField, scoreField, pairing(), scoreGap, seed);
    return base.withFields(promptField != null ? promptField : base.promptField(), chosenField, rejectedField, marginField)
        .withOnBadLine(mode())
        .withLabelFields(labelFields)
        .withRatings(ratings)
        .withAllowEmpty(allowEmpty)
        .withChatTemplate(ChatTemplate.named(chatTemplate))
        .withMaxReportedBadLines(maxBadLines);
  }

  private ImportOptions.Pairing pairing() {
    return switch (pairs.toLowerCase(Locale.ROOT)) {
      case "best-vs-random" -> ImportOptions.Pairing.BEST_VS_RANDOM;
      case "all-above-gap" -> ImportOptions.Pairing.ALL_ABOVE_GAP;
      default -> throw new IllegalArgumentException("--pairs must be best-vs-random or all-above-gap, got " + pairs);
    };
  }

  private ImportOptions.OnBadLine mode() {
    return switch (onBadLine.toLowerCase(Locale.ROOT)) {
      case "fail" -> ImportOptions.OnBadLine.FAIL;
      case "skip" -> ImportOptions.OnBadLine.SKIP;
      default -> throw new IllegalArgumentException("--on-bad-line must be fail or skip, got " + onBadLine);
    };
  }
}
