package org.rlhfflow.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Tells an import input's container from its first bytes: Parquet files start with {@code PAR1};
 * a JSON array's first non-blank character is {@code [} (a JSONL row must be an object); anything
 * else is read as JSONL. Gzip is undone first.
 */
enum InputLayout {
  JSONL,
  JSON_ARRAY,
  PARQUET;

  private static final int SNIFF_BYTES = 1 << 16;

  static InputLayout sniff(Path file) {
    try (InputStream raw = Files.newInputStream(file)) {
      byte[] head = raw.readNBytes(4);
      if (head.length == 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
        return PARQUET;
      }
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "no such file", e);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot open: " + e, e);
    }
    try (InputStream in = Gzip.maybeGunzip(file)) {
      byte[] head = in.readNBytes(SNIFF_BYTES);
      int i = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf ? 3 : 0;
      while (i < head.length && Character.isWhitespace(head[i])) {
        i++;
      }
      return i < head.length && head[i] == '[' ? JSON_ARRAY : JSONL;
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e, e);
    }
  }
}
