package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real HH-RLHF harmless-base test split (2,312 pairs) imports end to end. */
class HhRlhfImportTest {
  @TempDir Path dir;

  private static Path dataset() {
    // ../shared/data next to the repo; RLHF_SHARED_DATA overrides it (e.g. from a git worktree).
    Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
    String shared = System.getenv().getOrDefault("RLHF_SHARED_DATA", root.resolve("../shared/data").toString());
    Path file = Path.of(shared, "hh-rlhf-harmless-base/test.jsonl.gz").normalize();
    assumeTrue(Files.exists(file), "HH-RLHF test split not found at " + file + " (set RLHF_SHARED_DATA)");
    return file;
  }

  @Test
  void importsTheRealTestSplit() throws IOException {
    Path out = dir.resolve("hh.arrow");
    ImportReport report = PreferenceImporter.importTo(dataset(), out, ImportOptions.hh());
    assertEquals(2312, report.rowsRead());
    assertEquals(report.rowsRead(), report.rowsWritten() + report.skippedTotal());
    // Independent reference: a Python pass over the file (split each transcript at its own last
    // "\n\nAssistant:", compare the prompts) finds 5 mismatches, 0 identical pairs, 0 rows without a turn.
    assertEquals(Map.of("prefix_mismatch", 5L), report.skipped());
    assertEquals(2307, report.rowsWritten());
    assertEquals(PreferenceImporter.sha256(out), report.outputSha256());

    List<PreferencePair> pairs = ArrowDatasets.readPreferences(out);
    assertEquals(2307, pairs.size());
    PreferencePair first = pairs.get(0);
    assertTrue(first.prompt().startsWith("\n\nHuman: what are some pranks with a pen i can do?"), first.prompt());
    assertTrue(first.prompt().endsWith("\n\nAssistant:"), first.prompt());
    assertTrue(first.chosen().startsWith(" No, sorry!"), first.chosen());
    for (PreferencePair p : pairs) {
      assertTrue(p.prompt().endsWith(PairParser.ASSISTANT), p.prompt());
      assertEquals("hh-rlhf", p.source());
    }
  }

  @Test
  void importIsDeterministic() throws IOException {
    ImportReport a = PreferenceImporter.importTo(dataset(), dir.resolve("a.arrow"), ImportOptions.hh());
    ImportReport b = PreferenceImporter.importTo(dataset(), dir.resolve("b.arrow"), ImportOptions.hh());
    assertEquals(a.outputSha256(), b.outputSha256());
  }
}
