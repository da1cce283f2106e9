package org.rlhfflow.data;

import static org.rlhfflow.data.Column.Kind.FLOAT64;
import static org.rlhfflow.data.Column.Kind.UTF8;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Preference pairs from people: the preference columns plus where each pair came from. Readers of
 * plain preference datasets ignore the extra columns, so the file imports like any other.
 *
 * <pre>{@code
 * HumanPreferences.write(path, rows);
 * List<PreferencePair> pairs = ArrowDatasets.readPreferences(path); // the extra columns are ignored
 * }</pre>
 */
public final class HumanPreferences {
  static final List<Column> COLUMNS = columns();

  private HumanPreferences() {}

  /**
   * @param pair prompt, chosen, rejected; annotator lists every annotator of the item
   * @param time ISO-8601 instant of the latest ranking of the item
   * @param softLabel fraction of the annotators with a preference who preferred chosen
   * @param itemId the item in the stage's items artifact
   * @param itemsSha256 that artifact's digest
   * @param chosenIndex index of chosen among the item's K responses
   * @param rejectedIndex index of rejected
   */
  public record Row(PreferencePair pair, String time, double softLabel, String itemId, String itemsSha256,
      int chosenIndex, int rejectedIndex) {}

  private static List<Column> columns() {
    List<Column> all = new ArrayList<>(DatasetSchemas.PREFERENCES);
    all.add(Column.optional("time", UTF8)); // soft_label is the shared preference column, as for AI labels
    all.add(Column.optional("item_id", UTF8));
    all.add(Column.optional("items_sha256", UTF8));
    all.add(Column.optional("chosen_index", FLOAT64));
    all.add(Column.optional("rejected_index", FLOAT64));
    return List.copyOf(all);
  }

  public static void write(Path file, List<Row> rows) throws IOException {
    ArrowTables.write(file, COLUMNS, ArrowDatasets.PREFERENCES, rows, r -> new Object[] {
        r.pair().prompt(), r.pair().chosen(), r.pair().rejected(), r.pair().margin(), r.pair().source(),
        r.pair().annotator(), r.pair().tags(), r.pair().chosenIds(), r.pair().rejectedIds(),
        r.softLabel(), null, null,
        r.time(), r.itemId(), r.itemsSha256(),
        (double) r.chosenIndex(), (double) r.rejectedIndex()});
  }

  public static List<Row> read(Path file) {
    return ArrowTables.read(file, COLUMNS, ArrowDatasets.PREFERENCES, r -> new Row(
        new PreferencePair(r.string("prompt"), r.string("chosen"), r.string("rejected"), r.optDouble("margin"),
            r.optString("source"), r.optString("annotator"), r.strings("tags"), r.optInts("chosen_ids"),
            r.optInts("rejected_ids")),
        r.optString("time"), r.optDouble("soft_label"), r.optString("item_id"), r.optString("items_sha256"),
        r.optDouble("chosen_index").intValue(), r.optDouble("rejected_index").intValue()));
  }
}
