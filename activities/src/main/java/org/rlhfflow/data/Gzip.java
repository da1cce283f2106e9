package org.rlhfflow.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens a file, gunzipping it when it starts with the gzip magic bytes (the name does not matter). */
final class Gzip {
  private Gzip() {}

  static InputStream maybeGunzip(Path file) {
    try {
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      in.mark(2);
      boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
      in.reset();
      return gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "no such file", e);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot open: " + e, e);
    }
  }
}
