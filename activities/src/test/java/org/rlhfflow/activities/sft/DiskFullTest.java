package org.rlhfflow.activities.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.store.Sha256;

/**
 * A full disk under the local artifact store: the SFT stage fails with a one-line message naming
 * the store, and nothing half-written sits under a final name. The store lives on a 256 KiB tmpfs
 * (NANO's checkpoint is ~0.5 MB), mounted by the test; skipped where mounting is not allowed.
 */
@Tag("integration")
class DiskFullTest {
  @TempDir Path tmp;
  private Path mount;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void theStageFailsClearlyAndNoFinalNameHoldsAPartialFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("full"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir.toString())
        .redirectErrorStream(true).start();
    assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here: " + new String(p.getInputStream().readAllBytes()));
    mount = dir;
    StageServices services = new StageServices(new LocalArtifactStore(dir.resolve("a")),
        new StageFixture.Recording(tmp), tmp.resolve("s"));
    Exception e = assertThrows(Exception.class, () -> new SftActivitiesImpl(services)
        .sft(new SftInput(StageFixture.context(SftActivitiesImplTest.YAML), null, null), Hooks.NONE));
    String message = messages(e);
    assertTrue(message.contains("local artifact store is full") && message.contains(dir.resolve("a").toString()),
        message);
    // Every blob under sha256/ is whole (its name is its content's hash); no temp file is left over.
    try (Stream<Path> blobs = Files.list(dir.resolve("a").resolve("sha256"))) {
      for (Path b : blobs.toList()) {
        assertEquals(b.getFileName().toString(), Sha256.of(b).hex(), "partial blob " + b);
      }
    }
    try (Stream<Path> parts = Files.list(dir.resolve("a").resolve("tmp"))) {
      assertEquals(List.of(), parts.toList());
    }
    try (Stream<Path> manifests = Files.list(dir.resolve("a").resolve("manifests"))) {
      assertEquals(List.of(), manifests.toList(), "no stage manifest: the stage did not complete");
    }
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append(" | ");
    }
    return sb.toString();
  }
}
