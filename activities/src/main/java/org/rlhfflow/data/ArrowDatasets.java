package org.rlhfflow.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and writes the three dataset kinds as Arrow IPC files (schemas in {@link DatasetSchemas}
 * and docs/datasets.md). Readers check the schema first and name the file and the missing or
 * mistyped column; unreadable bytes are a {@link DatasetException}, never a raw Arrow error.
 *
 * <pre>{@code
 * ArrowDatasets.writePreferences(path, pairs);
 * List<PreferencePair> back = ArrowDatasets.readPreferences(path);
 * }</pre>
 */
public final class ArrowDatasets {
  static final String PREFERENCES = "preference";
  static final String SFT = "sft";
  static final String PROMPTS = "prompt";

  private ArrowDatasets() {}

  public static void writePreferences(Path file, List<PreferencePair> pairs) throws IOException {
    ArrowTables.write(file, DatasetSchemas.PREFERENCES, PREFERENCES, pairs,
        p -> new Object[] {p.prompt(), p.chosen(), p.rejected(), p.margin(), p.source(), p.annotator(), p.tags(),
            p.softLabel(), p.principle(), p.judgeSha256()});
  }

  public static List<PreferencePair> readPreferences(Path file) {
    return ArrowTables.read(file, DatasetSchemas.PREFERENCES, PREFERENCES,
        r -> new PreferencePair(r.string("prompt"), r.string("chosen"), r.string("rejected"), r.optDouble("margin"),
            r.optString("source"), r.optString("annotator"), r.strings("tags"), r.optDouble("soft_label"),
            r.optString("principle"), r.optString("judge_sha256")));
  }

  public static void writeSftPairs(Path file, List<SftPair> pairs) throws IOException {
    ArrowTables.write(file, DatasetSchemas.SFT_PAIRS, SFT, pairs, p -> new Object[] {p.prompt(), p.response()});
  }

  public static List<SftPair> readSftPairs(Path file) {
    return ArrowTables.read(file, DatasetSchemas.SFT_PAIRS, SFT, r -> new SftPair(r.string("prompt"), r.string("response")));
  }

  public static void writePrompts(Path file, List<Prompt> prompts) throws IOException {
    ArrowTables.write(file, DatasetSchemas.PROMPTS, PROMPTS, prompts, p -> new Object[] {p.prompt(), p.id()});
  }

  public static List<Prompt> readPrompts(Path file) {
    return ArrowTables.read(file, DatasetSchemas.PROMPTS, PROMPTS, r -> new Prompt(r.string("prompt"), r.optString("id")));
  }
}
