package org.rlhfflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackCommandTest {

  /** A stand-in infra/stack.sh that records its arguments and exits with a telling code. */
  private static Path fakeRepo(Path dir) throws IOException {
    Path script = dir.resolve("infra/stack.sh");
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/args\"\nexit 3\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static int run(Path repoRoot, StringWriter err, String... args) {
    StackCommand command = new StackCommand();
    command.repoRoot = repoRoot;
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void delegatesToTheScriptAndReturnsItsExitCode(@TempDir Path dir) throws IOException {
    Path repo = fakeRepo(dir);
    assertEquals(3, run(repo, new StringWriter(), "restart", "minio"));
    assertEquals("restart minio", Files.readString(repo.resolve("infra/args")).strip());
  }

  @Test
  void rejectsAnUnknownAction(@TempDir Path dir) throws IOException {
    StringWriter err = new StringWriter();
    assertEquals(2, run(fakeRepo(dir), err, "launch"));
    assertTrue(err.toString().contains("launch"), err.toString());
  }

  @Test
  void namesTheMissingScript(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    assertEquals(2, run(dir, err, "status"));
    assertTrue(err.toString().contains(dir.resolve("infra/stack.sh").toString()), err.toString());
  }
}
