package org.rlhfflow.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads a JSONL file line by line, gunzipping when the file starts with the gzip magic bytes.
 * Lines are split on bytes and decoded one at a time, so invalid UTF-8 is reported at its line
 * instead of being silently replaced.
 */
final class JsonlLines implements AutoCloseable {
  private final Path file;
  private final InputStream in;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
  private long lineNumber;

  private JsonlLines(Path file, InputStream in) {
    this.file = file;
    this.in = in;
  }

  static JsonlLines open(Path file) {
    return new JsonlLines(file, Gzip.maybeGunzip(file));
  }

  /** The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end. */
  String next() {
    try {
      line.reset();
      int b = in.read();
      if (b < 0) {
        return null;
      }
      while (b >= 0 && b != '\n') {
        line.write(b);
        b = in.read();
      }
      lineNumber++;
      byte[] bytes = line.toByteArray();
      int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      return utf8.decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw new DatasetException(file, "line " + lineNumber + ": invalid UTF-8", e);
    } catch (IOException e) {
      // e.g. a truncated gzip stream
      throw new DatasetException(file, "read failed after line " + lineNumber + ": " + e, e);
    }
  }

  /** 1-based number of the line last returned. */
  long lineNumber() {
    return lineNumber;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // closing a read-only stream loses nothing
    }
  }
}
