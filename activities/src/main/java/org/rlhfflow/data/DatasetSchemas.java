package org.rlhfflow.data;

import static org.rlhfflow.data.Column.Kind.FLOAT64;
import static org.rlhfflow.data.Column.Kind.LIST_INT32;
import static org.rlhfflow.data.Column.Kind.LIST_UTF8;
import static org.rlhfflow.data.Column.Kind.UTF8;

import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The three dataset schemas (Arrow IPC file format; see docs/datasets.md):
 *
 * <ul>
 *   <li>prompts: {@code prompt} utf8, optional {@code id} utf8;
 *   <li>SFT pairs: {@code prompt} utf8, {@code response} utf8;
 *   <li>preference pairs: {@code prompt}, {@code chosen}, {@code rejected} utf8; optional {@code
 *       margin} float64, {@code source} utf8, {@code annotator} utf8, {@code tags} list&lt;utf8&gt;,
 *       {@code chosen_ids}, {@code rejected_ids} list&lt;int32&gt; (the sampled response tokens),
 *       {@code soft_label} float64, {@code principle} utf8, {@code judge_sha256} utf8.
 * </ul>
 *
 * Required columns must be present and non-null in every row; optional columns may be missing
 * from a file or null in a row. Extra columns are ignored.
 */
final class DatasetSchemas {
  static final List<Column> PROMPTS = List.of(Column.required("prompt", UTF8), Column.optional("id", UTF8));

  static final List<Column> CHAINS = List.of(Column.required("prompt", UTF8), Column.required("initial_response", UTF8),
      Column.required("principles", LIST_UTF8), Column.required("critiques", LIST_UTF8),
      Column.required("revisions", LIST_UTF8));

  static final List<Column> SFT_PAIRS = List.of(Column.required("prompt", UTF8), Column.required("response", UTF8));

  static final List<Column> PREFERENCES =
      List.of(
          Column.required("prompt", UTF8),
          Column.required("chosen", UTF8),
          Column.required("rejected", UTF8),
          Column.optional("margin", FLOAT64),
          Column.optional("source", UTF8),
          Column.optional("annotator", UTF8),
          Column.optional("tags", LIST_UTF8),
          Column.optional("chosen_ids", LIST_INT32),
          Column.optional("rejected_ids", LIST_INT32),
          Column.optional("soft_label", FLOAT64),
          Column.optional("principle", UTF8),
          Column.optional("judge_sha256", UTF8));

  private DatasetSchemas() {}

  static Schema schema(List<Column> columns, String kind) {
    return new Schema(columns.stream().map(Column::field).toList(), java.util.Map.of("rlhf.dataset", kind));
  }
}
