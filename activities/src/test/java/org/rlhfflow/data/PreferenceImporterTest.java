package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferenceImporterTest {
  @TempDir Path dir;

  private Path jsonl(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static PreferencePair pair(String prompt, String chosen, String rejected, Double margin, String source) {
    return new PreferencePair(prompt, chosen, rejected, margin, source, null, List.of());
  }

  @Test
  void trlExplicitPrompts() throws IOException {
    Path in = jsonl("explicit.jsonl",
        "{\"prompt\": \"2+2=\", \"chosen\": \" 4\", \"rejected\": \" 5\"}",
        "{\"prompt\": \"Sky?\", \"chosen\": \" blue\", \"rejected\": \" green\", \"extra\": 1}");
    PreferenceImporter.Result r = PreferenceImporter.read(in, ImportOptions.trl());
    assertEquals(List.of(pair("2+2=", " 4", " 5", null, "trl"), pair("Sky?", " blue", " green", null, "trl")), r.pairs());
    assertEquals("explicit field \"prompt\"", r.report().promptMode());
    assertEquals(2, r.report().rowsRead());
    assertEquals(0, r.report().skippedTotal());
  }

  @Test
  void trlImplicitPromptsAreTheSharedPrefix() throws IOException {
    Path in = jsonl("implicit.jsonl",
        "{\"chosen\": \"Q: 2+2?\\n\\nA: 4\", \"rejected\": \"Q: 2+2?\\n\\nA: 5\"}",
        "{\"chosen\": \"The answer is yes\", \"rejected\": \"The answer is yellow\"}");
    PreferenceImporter.Result r = PreferenceImporter.read(in, ImportOptions.trl());
    assertEquals(
        List.of(pair("Q: 2+2?\n\nA:", " 4", " 5", null, "trl"), pair("The answer is", " yes", " yellow", null, "trl")),
        r.pairs());
    assertEquals("implicit (shared prefix)", r.report().promptMode());
  }

  @Test
  void fieldMappingAndMargin() throws IOException {
    Path in = jsonl("mapped.jsonl",
        "{\"question\": \"q1\", \"good\": \"a\", \"bad\": \"b\", \"score\": 2.5}",
        "{\"question\": \"q2\", \"good\": \"c\", \"bad\": \"d\", \"score\": null}",
        "{\"question\": \"q3\", \"good\": \"e\", \"bad\": \"f\"}");
    ImportOptions options = ImportOptions.trl().withFields("question", "good", "bad", "score");
    assertEquals(
        List.of(pair("q1", "a", "b", 2.5, "trl"), pair("q2", "c", "d", null, "trl"), pair("q3", "e", "f", null, "trl")),
        PreferenceImporter.read(in, options).pairs());
  }

  @Test
  void gzipInputIsDetectedByItsMagicBytes() throws IOException {
    Path in = dir.resolve("pairs.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(in))) {
      out.write("{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(List.of(pair("p", "c", "r", null, "trl")), PreferenceImporter.read(in, ImportOptions.trl()).pairs());
  }

  private Path oneBadLine() throws IOException {
    return jsonl("bad.jsonl",
        "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}",
        "{\"prompt\": \"d\", \"chosen\": \"e\"}",
        "{\"prompt\": \"f\", \"chosen\": \"g\", \"rejected\": \"h\"}");
  }

  @Test
  void badLineFailsByDefaultNamingFileAndLine() throws IOException {
    Path in = oneBadLine();
    DatasetException e = assertThrows(DatasetException.class, () -> PreferenceImporter.read(in, ImportOptions.trl()));
    assertEquals(in + ": line 2: missing field \"rejected\" (use --on-bad-line skip to skip such rows)", e.getMessage());
  }

  @Test
  void badLineIsSkippedAndReportedInSkipMode() throws IOException {
    PreferenceImporter.Result r =
        PreferenceImporter.read(oneBadLine(), ImportOptions.trl().withOnBadLine(ImportOptions.OnBadLine.SKIP));
    assertEquals(3, r.report().rowsRead());
    assertEquals(2, r.report().rowsWritten());
    assertEquals(Map.of("missing_field", 1L), r.report().skipped());
    assertEquals(List.of(new ImportReport.BadLine("line 2", "missing field \"rejected\"")), r.report().firstBadLines());
    assertTrue(r.report().table().contains("line 2: missing field \"rejected\""), r.report().table());
  }

  @Test
  void everyKindOfBadLineIsNamed() throws IOException {
    Path in = jsonl("kinds.jsonl",
        "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}",
        "",
        "{\"prompt\": \"a\", \"chosen\": \"b\", ",
        "[1, 2]",
        "{\"prompt\": \"a\", \"chosen\": 3, \"rejected\": \"c\"}",
        "{\"prompt\": \"a\", \"chosen\": [{\"role\": \"user\"}], \"rejected\": \"c\"}",
        "{\"chosen\": \"b\", \"rejected\": \"c\"}",
        "{\"prompt\": \"a\", \"chosen\": \"same\", \"rejected\": \"same\"}");
    ImportOptions options = ImportOptions.trl().withOnBadLine(ImportOptions.OnBadLine.SKIP);
    ImportReport report = PreferenceImporter.read(in, options).report();
    assertEquals(
        Map.of("empty_line", 1L, "invalid_json", 1L, "not_an_object", 1L, "wrong_type", 1L, "bad_message", 1L, "missing_field", 1L,
            "identical_responses", 1L),
        report.skipped());
    assertEquals(report.rowsRead(), report.rowsWritten() + report.skippedTotal());
    assertEquals(
        List.of("line 2", "line 3", "line 4", "line 5", "line 6", "line 7"),
        report.firstBadLines().stream().map(ImportReport.BadLine::where).toList());
    assertEquals("field \"chosen\" message 0: expected {\"role\": string, \"content\": string}", report.firstBadLines().get(4).reason());
  }

  @Test
  void failedImportOverwritesNothing() throws IOException {
    Path out = dir.resolve("out.arrow");
    ArrowDatasets.writePreferences(out, List.of(PreferencePair.of("old", "x", "y")));
    byte[] before = Files.readAllBytes(out);
    Path in = oneBadLine();
    assertThrows(DatasetException.class, () -> PreferenceImporter.importTo(in, out, ImportOptions.trl()));
    assertEquals(new String(before, StandardCharsets.ISO_8859_1), new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("bad.jsonl", "out.arrow"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void failedImportCreatesNoFile() throws IOException {
    Path out = dir.resolve("new.arrow");
    assertThrows(DatasetException.class, () -> PreferenceImporter.importTo(oneBadLine(), out, ImportOptions.trl()));
    assertFalse(Files.exists(out));
  }

  @Test
  void invalidUtf8IsAnErrorWithItsLine() throws IOException {
    Path in = dir.resolve("latin1.jsonl");
    Files.write(in, "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}\n{\"prompt\": \"caf\u00e9\"}\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    DatasetException e = assertThrows(DatasetException.class, () -> PreferenceImporter.read(in, ImportOptions.trl()));
    assertTrue(e.getMessage().startsWith(in + ": line 2: invalid UTF-8"), e.getMessage());
  }

  @Test
  void hhTranscriptsSplitAtTheLastAssistantTurn() throws IOException {
    Path in = jsonl("hh.jsonl",
        "{\"chosen\": \"\\n\\nHuman: hi\\n\\nAssistant: hello\\n\\nHuman: joke?\\n\\nAssistant: Sure.\","
            + " \"rejected\": \"\\n\\nHuman: hi\\n\\nAssistant: hello\\n\\nHuman: joke?\\n\\nAssistant: No.\"}",
        "{\"chosen\": \"\\n\\nHuman: a\\n\\nAssistant: b\", \"rejected\": \"\\n\\nHuman: x\\n\\nAssistant: b\"}");
    PreferenceImporter.Result r = PreferenceImporter.read(in, ImportOptions.hh());
    String prompt = "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: joke?\n\nAssistant:";
    assertEquals(List.of(pair(prompt, " Sure.", " No.", null, "hh-rlhf")), r.pairs());
    assertEquals(Map.of("prefix_mismatch", 1L), r.report().skipped());
  }
}
