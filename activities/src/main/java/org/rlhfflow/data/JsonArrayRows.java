package org.rlhfflow.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The elements of a top-level JSON array ({@code .json} as the Hub and TRL's {@code to_json(lines=False)}
 * write it), streamed so a large file is never held as one tree. A non-object element is a bad row;
 * broken JSON fails the file, since no later element can be found reliably after it.
 */
final class JsonArrayRows implements RowSource {
  private final Path file;
  private final JsonParser parser;
  private long element;
  private int elementLine;
  private boolean done;

  JsonArrayRows(Path file) {
    this.file = file;
    try {
      this.parser = JsonRows.STREAM.createParser(Gzip.maybeGunzip(file));
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new DatasetException(file, "expected a JSON array");
      }
    } catch (IOException e) {
      throw broken(e);
    }
  }

  @Override
  public JsonNode next() throws LineRejected {
    if (done) {
      return null;
    }
    try {
      JsonToken t = parser.nextToken();
      if (t == JsonToken.END_ARRAY) {
        done = true;
        if (parser.nextToken() != null) {
          throw new DatasetException(file, "line " + parser.currentLocation().getLineNr() + ": data after the closing ]");
        }
        return null;
      }
      if (t == null) {
        throw new DatasetException(file, "truncated JSON array: no closing ] after element " + element);
      }
      element++;
      elementLine = parser.currentLocation().getLineNr();
      JsonNode node = parser.readValueAsTree();
      return JsonRows.requireObject(node);
    } catch (IOException e) {
      throw broken(e);
    }
  }

  private DatasetException broken(IOException e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      return new DatasetException(
          file,
          "line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ": invalid JSON: " + j.getOriginalMessage(),
          e);
    }
    return new DatasetException(file, "read failed after element " + element + ": " + e, e);
  }

  /** 1-based, with the line it starts on, so a user can find it in an editor. */
  @Override
  public String where() {
    return "element " + element + " (line " + elementLine + ")";
  }

  @Override
  public long rowsRead() {
    return element;
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      // closing a read-only stream loses nothing
    }
  }
}
