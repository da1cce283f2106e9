package org.rlhfflow.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Digests the bytes a consumer (an upload) pulls through it. */
final class HashingInputStream extends FilterInputStream {

  private final MessageDigest md = Sha256.newDigest();
  private long size;

  HashingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      md.update((byte) b);
      size++;
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      md.update(buf, off, n);
      size += n;
    }
    return n;
  }

  /** mark/reset would make the digest count bytes twice. */
  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 8192)];
    int r = read(buf, 0, buf.length);
    return Math.max(r, 0);
  }

  Sha256.Digest digest() {
    return new Sha256.Digest(HexFormat.of().formatHex(md.digest()), size);
  }
}
