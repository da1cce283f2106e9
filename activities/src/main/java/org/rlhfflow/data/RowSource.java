package org.rlhfflow.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * The rows of an import input, whatever its container: JSONL, a JSON array or Parquet, told apart
 * by content ({@link InputLayout}), never by file name.
 */
interface RowSource extends AutoCloseable {

  /**
   * The next row, or null at the end. A malformed row throws {@link LineRejected} after the source
   * has moved past it, so the caller may skip it and go on.
   */
  JsonNode next() throws LineRejected;

  /** Where the row last returned is, for messages: {@code line 7}, {@code element 3}, {@code row 12}. */
  String where();

  /** Rows read so far, malformed ones included. */
  long rowsRead();

  @Override
  void close();

  /** Opens {@code file} with the reader its content calls for. */
  static RowSource open(Path file) {
    return switch (InputLayout.sniff(file)) {
      case JSONL -> new JsonlRows(file);
      case JSON_ARRAY -> new JsonArrayRows(file);
      case PARQUET -> new ParquetRows(file);
    };
  }
}
