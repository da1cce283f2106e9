package org.rlhfflow.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** JSONL rows: one JSON object per line; a bad line is rejected and the next one read. */
final class JsonlRows implements RowSource {
  private final JsonlLines lines;

  JsonlRows(Path file) {
    this.lines = JsonlLines.open(file);
  }

  @Override
  public JsonNode next() throws LineRejected {
    String line = lines.next();
    if (line == null) {
      return null;
    }
    if (line.isBlank()) {
      throw LineRejected.malformed("empty_line", "empty line");
    }
    try {
      return JsonRows.requireObject(JsonRows.JSON.readTree(line));
    } catch (JsonProcessingException e) {
      throw LineRejected.malformed(
          "invalid_json", "invalid JSON at column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    }
  }

  @Override
  public String where() {
    return "line " + lines.lineNumber();
  }

  @Override
  public long rowsRead() {
    return lines.lineNumber();
  }

  @Override
  public void close() {
    lines.close();
  }
}
