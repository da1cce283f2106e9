package org.rlhfflow.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file through a temporary sibling and a move, so readers see all of it or none of it. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Produces a file's bytes at a temporary path. */
  @FunctionalInterface
  public interface Producer {
    void writeTo(Path tmp) throws IOException;
  }

  /** Runs {@code producer} on a temporary file next to {@code target}, then moves it over {@code target}. */
  public static void write(Path target, Producer producer) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      producer.writeTo(tmp);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
