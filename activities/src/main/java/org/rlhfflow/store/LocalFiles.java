package org.rlhfflow.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Crash-safe local writes: temp file, fsync, then an atomic publish that never replaces a file. */
final class LocalFiles {

  private LocalFiles() {}

  /** Streams {@code in} into the existing file {@code tmp}, fsyncs it and returns its digest. */
  static Sha256.Digest writeTemp(InputStream in, Path tmp) throws IOException {
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream out = Channels.newOutputStream(ch);
      Sha256.Digest d = Sha256.copy(in, out);
      out.flush();
      ch.force(true); // the bytes are on disk before the name points at them
      return d;
    } catch (IOException e) {
      throw diskFull(tmp, e);
    }
  }

  /**
   * {@code e} as a one-line "disk full" error naming the directory and its free space when the
   * filesystem is out of space (ENOSPC surfaces as a plain IOException), else {@code e} itself.
   */
  static IOException diskFull(Path file, IOException e) {
    String msg = String.valueOf(e.getMessage());
    if (!msg.contains("No space left on device") && !msg.contains("Disk quota exceeded")) {
      return e;
    }
    Path dir = file.toAbsolutePath().getParent();
    long free = -1;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException | RuntimeException ignored) {
      // the message still names the directory
    }
    return new DiskFullException("local artifact store is full: writing " + file.getFileName() + " in " + dir
        + " failed (" + msg + "; " + (free < 0 ? "free space unknown" : free + " bytes free")
        + "); nothing was published under a final name; free space or point RLHF_HOME elsewhere", e);
  }

  /** The filesystem under the local store ran out of space (or quota). */
  static final class DiskFullException extends IOException {
    private static final long serialVersionUID = 1L;

    DiskFullException(String message, IOException cause) {
      super(message, cause);
    }
  }

  /**
   * Publishes {@code tmp} as {@code target} unless {@code target} exists, and removes {@code tmp}.
   * A hard link fails atomically if the target exists, unlike rename, which would replace it.
   *
   * @return true if this call created {@code target}
   */
  static boolean publishIfAbsent(Path tmp, Path target) throws IOException {
    try {
      Files.createLink(target, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // Filesystems without hard links: check then rename; the window only matters for
      // concurrent writers of the same name, who write the same bytes for blobs.
      if (Files.exists(target)) {
        return false;
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } finally {
      Files.deleteIfExists(tmp);
      fsyncDir(target.getParent());
    }
  }

  /** Makes the new directory entry durable; best effort where directories cannot be opened. */
  static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported on this platform (e.g. Windows); the file itself was fsynced.
    }
  }
}
