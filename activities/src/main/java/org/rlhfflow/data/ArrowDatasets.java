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
  static final String CHAINS = "critique chain";
  static final String SFT = "sft";
  static final String PROMPTS = "prompt";

  private ArrowDatasets() {}

  public static void writePreferences(Path file, List<PreferencePair> pairs) throws IOException {
    ArrowTables.write(file, DatasetSchemas.PREFERENCES, PREFERENCES, pairs,
        p -> new Object[] {p.prompt(), p.chosen(), p.rejected(), p.margin(), p.source(), p.annotator(), p.tags(),
            p.chosenIds(), p.rejectedIds(), p.softLabel(), p.principle(), p.judgeSha256()});
  }

  public static List<PreferencePair> readPreferences(Path file) {
    return ArrowTables.read(file, DatasetSchemas.PREFERENCES, PREFERENCES,
        r -> new PreferencePair(r.string("prompt"), r.string("chosen"), r.string("rejected"), r.optDouble("margin"),
            r.optString("source"), r.optString("annotator"), r.strings("tags"), r.optInts("chosen_ids"),
            r.optInts("rejected_ids"), r.optDouble("soft_label"), r.optString("principle"), r.optString("judge_sha256")));
  }

  /**
   * The dataset input MLflow shows for an Arrow file stored as {@code ref}: digest = its sha256,
   * source = its URI, schema as MLflow colspec, the row count as profile.
   */
  public static org.rlhfflow.tracking.DatasetInput input(String name, org.rlhfflow.store.ArtifactRef ref, Path file,
      String context) {
    return input(name, ref.sha256(), ref.uri(), file, context);
  }

  /** The same for a file not in the store: {@code source} says where it came from. */
  public static org.rlhfflow.tracking.DatasetInput input(String name, String sha256, String source, Path file,
      String context) {
    ArrowTables.Profile p = ArrowTables.profile(file);
    return new org.rlhfflow.tracking.DatasetInput(name, sha256, source, p.mlflowSchema(), p.rows(), context);
  }

  public static void writeSftPairs(Path file, List<SftPair> pairs) throws IOException {
    ArrowTables.write(file, DatasetSchemas.SFT_PAIRS, SFT, pairs, p -> new Object[] {p.prompt(), p.response()});
  }

  public static List<SftPair> readSftPairs(Path file) {
    return ArrowTables.read(file, DatasetSchemas.SFT_PAIRS, SFT, r -> new SftPair(r.string("prompt"), r.string("response")));
  }

  /** Constitutional AI chains: prompt, initial_response, then principles, critiques, revisions (list&lt;utf8&gt;, one per round). */
  public static void writeChains(Path file, List<CritiqueChain> chains) throws IOException {
    ArrowTables.write(file, DatasetSchemas.CHAINS, CHAINS, chains,
        c -> new Object[] {c.prompt(), c.initialResponse(), c.principles(), c.critiques(), c.revisions()});
  }

  public static List<CritiqueChain> readChains(Path file) {
    return ArrowTables.read(file, DatasetSchemas.CHAINS, CHAINS, r -> new CritiqueChain(r.string("prompt"),
        r.string("initial_response"), r.strings("principles"), r.strings("critiques"), r.strings("revisions")));
  }

  public static void writePrompts(Path file, List<Prompt> prompts) throws IOException {
    ArrowTables.write(file, DatasetSchemas.PROMPTS, PROMPTS, prompts, p -> new Object[] {p.prompt(), p.id()});
  }

  public static List<Prompt> readPrompts(Path file) {
    return ArrowTables.read(file, DatasetSchemas.PROMPTS, PROMPTS, r -> new Prompt(r.string("prompt"), r.optString("id")));
  }
}
