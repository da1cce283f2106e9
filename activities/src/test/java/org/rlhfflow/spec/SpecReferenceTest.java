package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in reference docs must match what the @Doc annotations generate. */
class SpecReferenceTest {
  private static final String START = "<!-- spec-reference:start -->";
  private static final String END = "<!-- spec-reference:end -->";
  private static final String REGENERATE = "regenerate with: ./rlhf spec reference --document > docs/spec-reference.md";

  private static Path repoRoot() {
    return Path.of(System.getProperty("rlhf.repo.root", ".."));
  }

  @Test
  void docsFileMatchesTheAnnotations() throws Exception {
    String onDisk = Files.readString(repoRoot().resolve("docs/spec-reference.md"));
    assertEquals(SpecReference.document(), onDisk, "docs/spec-reference.md is stale; " + REGENERATE);
  }

  @Test
  void readmeSectionMatchesTheAnnotations() throws Exception {
    Path readme = repoRoot().resolve("README.md");
    String text = Files.exists(readme) ? Files.readString(readme) : "";
    assumeTrue(
        text.contains(START) && text.contains(END),
        "README.md has no " + START + " ... " + END + " markers yet: nothing to compare");
    String section = text.substring(text.indexOf(START) + START.length(), text.indexOf(END));
    assertEquals(
        SpecReference.markdown().strip(),
        section.strip(),
        "README spec reference is stale; paste the output of ./rlhf spec reference between the markers");
  }

  @Test
  void everyKeyHasARow() {
    String md = SpecReference.markdown();
    for (String key : ExperimentSpec.DEFAULT.flatten().keySet()) {
      assertTrue(md.contains("| `" + key + "` |"), key);
    }
    assertTrue(md.contains("| `ppo.missing_eos_penalty` | unset | [0, inf), optional |"), md);
    assertTrue(md.contains("| `name` | required |"), md);
  }
}
