package org.rlhfflow.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests computed while bytes stream through, so nothing is read twice to verify it. */
public final class Sha256 {

  /** The digest and length of the bytes that went through a copy. */
  public record Digest(String hex, long size) {}

  private static final int BUFFER = 1 << 16;

  private Sha256() {}

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  public static String hex(byte[] bytes) {
    MessageDigest md = newDigest();
    return HexFormat.of().formatHex(md.digest(bytes));
  }

  /** Copies {@code in} to {@code out} (which may be null to only hash) and digests the bytes. */
  public static Digest copy(InputStream in, OutputStream out) throws IOException {
    MessageDigest md = newDigest();
    byte[] buf = new byte[BUFFER];
    long size = 0;
    for (int n; (n = in.read(buf)) != -1; ) {
      md.update(buf, 0, n);
      if (out != null) {
        out.write(buf, 0, n);
      }
      size += n;
    }
    return new Digest(HexFormat.of().formatHex(md.digest()), size);
  }

  public static Digest of(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return copy(in, null);
    }
  }
}
