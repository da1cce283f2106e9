package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void failedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = dir.resolve("out.arrow");
    Files.writeString(target, "old");
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.write(
                target,
                tmp -> {
                  Files.writeString(tmp, "half of the new");
                  throw new IOException("disk full");
                }));
    assertEquals("old", Files.readString(target));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void successfulWriteReplacesTheFile() throws IOException {
    Path target = dir.resolve("sub/out.txt");
    AtomicFiles.write(target, tmp -> Files.writeString(tmp, "new"));
    assertEquals("new", Files.readString(target));
  }
}
