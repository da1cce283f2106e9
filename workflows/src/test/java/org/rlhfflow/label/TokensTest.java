package org.rlhfflow.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
  @TempDir Path dir;

  @Test
  void theFileHoldsDigestsOneLineEachAndLoadsBack() throws IOException {
    Path file = dir.resolve("tokens.jsonl");
    String alice = Tokens.create(file, "alice", "demo-*");
    String bob = Tokens.create(file, "bob", "*");
    String text = Files.readString(file);
    assertEquals(2, text.lines().count(), text);
    assertFalse(text.contains(alice) || text.contains(bob), "only digests are stored");
    Tokens t = Tokens.load(file);
    assertEquals("alice", t.lookup(alice).orElseThrow().annotator());
    assertTrue(t.lookup(alice).orElseThrow().allows("demo-1-label-0"));
    assertFalse(t.lookup(alice).orElseThrow().allows("prod-1-label-0"));
    assertTrue(t.lookup("nope").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Tokens.create(file, "a b", "*"));
    Files.writeString(file, "{oops\n", java.nio.file.StandardOpenOption.APPEND);
    assertTrue(assertThrows(IOException.class, () -> Tokens.load(file)).getMessage().endsWith(
        "tokens.jsonl:3: not a token line {\"annotator\", \"sha256\", \"batches\"}"));
  }
}
