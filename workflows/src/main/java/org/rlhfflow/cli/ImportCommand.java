package org.rlhfflow.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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

/** {@code rlhf import}: preference pairs from TRL or HH-RLHF JSONL into an Arrow dataset. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import preference pairs from JSONL (optionally gzipped) into an Arrow preference dataset.",
      "trl: rows with prompt/chosen/rejected, or chosen/rejected only (the prompt is their shared prefix,"
          + " cut at a word boundary).",
      "hh: Anthropic HH-RLHF transcripts; the prompt runs through the last \\n\\nAssistant: turn."
    })
public final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--format", required = true, description = "Input layout: trl or hh.")
  String format;

  @Parameters(paramLabel = "IN.jsonl[.gz]", description = "Input file; gzip is detected from its first bytes.")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "OUT.arrow", description = "Arrow file to write (atomically).")
  Path out;

  @Option(
      names = "--on-bad-line",
      defaultValue = "fail",
      description = "fail: stop at the first malformed line; skip: skip and count it. Default: ${DEFAULT-VALUE}.")
  String onBadLine;

  @Option(names = "--prompt-field", defaultValue = "prompt", description = "Prompt field (trl). Default: ${DEFAULT-VALUE}.")
  String promptField;

  @Option(names = "--chosen-field", defaultValue = "chosen", description = "Preferred text field. Default: ${DEFAULT-VALUE}.")
  String chosenField;

  @Option(names = "--rejected-field", defaultValue = "rejected", description = "Dispreferred text field. Default: ${DEFAULT-VALUE}.")
  String rejectedField;

  @Option(names = "--margin-field", description = "Numeric margin field; none by default.")
  String marginField;

  @Option(names = "--max-bad-lines", defaultValue = "10", description = "Bad lines listed in the report. Default: ${DEFAULT-VALUE}.")
  int maxBadLines;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ImportCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ImportOptions base =
        switch (format.toLowerCase(Locale.ROOT)) {
          case "trl" -> ImportOptions.trl();
          case "hh" -> ImportOptions.hh();
          default -> throw new ParameterException(spec.commandLine(), "--format must be trl or hh, got " + format);
        };
    ImportOptions options =
        new ImportOptions(base.format(), promptField, chosenField, rejectedField, marginField, mode(), maxBadLines, base.source());
    try {
      ImportReport report = PreferenceImporter.importTo(in, out, options);
      System.out.println("wrote " + out);
      System.out.print(report.table());
      return 0;
    } catch (DatasetException e) {
      System.err.println("import failed, " + out + " not written: " + e.getMessage());
      return 1;
    }
  }

  private ImportOptions.OnBadLine mode() {
    return switch (onBadLine.toLowerCase(Locale.ROOT)) {
      case "fail" -> ImportOptions.OnBadLine.FAIL;
      case "skip" -> ImportOptions.OnBadLine.SKIP;
      default -> throw new ParameterException(spec.commandLine(), "--on-bad-line must be fail or skip, got " + onBadLine);
    };
  }
}
