package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowDatasetsTest {
  @TempDir Path dir;

  private static List<PreferencePair> samplePairs() {
    return List.of(
        new PreferencePair("Q: 2+2?", " 4", " 5", 1.5, "hh-rlhf", "a1", List.of("math", "easy")),
        new PreferencePair("", "", "x", null, null, null, List.of()),
        new PreferencePair("héllo ✓ 日本", "ok\n\nAssistant: yes", "no", -0.25, "trl", null, List.of("ünï")),
        new PreferencePair("1=", "23", "2", null, "simulated", "oracle", List.of(),
            new int[] {'2', '3', 257}, new int[] {'2', 300}));
  }

  @Test
  void preferencesWithStringNumericAndListColumnsRoundTrip() throws IOException {
    Path file = dir.resolve("prefs.arrow");
    ArrowDatasets.writePreferences(file, samplePairs());
    assertEquals(samplePairs(), ArrowDatasets.readPreferences(file));
  }

  @Test
  void manyRowsSpanSeveralBatches() throws IOException {
    List<PreferencePair> pairs = new ArrayList<>();
    for (int i = 0; i < ArrowTables.BATCH_ROWS * 2 + 7; i++) {
      pairs.add(new PreferencePair("p" + i, "c" + i, "r" + i, i % 3 == 0 ? null : (double) i, "s", "a", List.of("t" + i)));
    }
    Path file = dir.resolve("many.arrow");
    ArrowDatasets.writePreferences(file, pairs);
    assertEquals(pairs, ArrowDatasets.readPreferences(file));
  }

  @Test
  void emptyDatasetRoundTrips() throws IOException {
    Path file = dir.resolve("empty.arrow");
    ArrowDatasets.writePrompts(file, List.of());
    assertEquals(List.of(), ArrowDatasets.readPrompts(file));
  }

  @Test
  void sftPairsAndPromptsRoundTrip() throws IOException {
    List<SftPair> sft = List.of(new SftPair("a", "b"), new SftPair("c\u0000d", ""));
    ArrowDatasets.writeSftPairs(dir.resolve("sft.arrow"), sft);
    assertEquals(sft, ArrowDatasets.readSftPairs(dir.resolve("sft.arrow")));
    List<Prompt> prompts = List.of(new Prompt("x", "id-1"), Prompt.of("y"));
    ArrowDatasets.writePrompts(dir.resolve("p.arrow"), prompts);
    assertEquals(prompts, ArrowDatasets.readPrompts(dir.resolve("p.arrow")));
  }

  @Test
  void sftFileIsNotAPreferenceDataset() throws IOException {
    Path file = dir.resolve("sft.arrow");
    ArrowDatasets.writeSftPairs(file, List.of(new SftPair("a", "b")));
    DatasetException e = assertThrows(DatasetException.class, () -> ArrowDatasets.readPreferences(file));
    assertEquals(file, e.file());
    assertTrue(e.getMessage().startsWith(file + ": missing column \"chosen\" (utf8)"), e.getMessage());
    assertTrue(e.getMessage().contains("columns found: prompt (utf8), response (utf8)"), e.getMessage());
  }

  @Test
  void mistypedColumnIsNamed() throws IOException {
    Path file = dir.resolve("typed.arrow");
    writeForeign(file, List.of("prompt", "id"), new long[] {7});
    DatasetException e = assertThrows(DatasetException.class, () -> ArrowDatasets.readPrompts(file));
    assertEquals(file + ": column \"id\" is int64, expected utf8", e.getMessage());
  }

  @Test
  void extraColumnsAreIgnored() throws IOException {
    Path file = dir.resolve("extra.arrow");
    writeForeign(file, List.of("prompt", "response"), new long[] {7});
    assertEquals(List.of(new SftPair("prompt-0", "response-0")), ArrowDatasets.readSftPairs(file));
  }

  @Test
  void nullInARequiredColumnNamesTheRow() throws IOException {
    Path file = dir.resolve("nulls.arrow");
    writeForeign(file, List.of("prompt", "response"), new long[] {1, 2});
    DatasetException e = assertThrows(DatasetException.class, () -> ArrowDatasets.readSftPairs(file));
    assertEquals(file + ": row 1: column \"response\" is null", e.getMessage());
  }

  @Test
  void truncatedFileIsADatasetException() throws IOException {
    Path file = dir.resolve("cut.arrow");
    ArrowDatasets.writePreferences(file, samplePairs());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    DatasetException e = assertThrows(DatasetException.class, () -> ArrowDatasets.readPreferences(file));
    assertTrue(e.getMessage().startsWith(file + ": not a readable Arrow IPC file"), e.getMessage());
  }

  @Test
  void textFileIsADatasetException() throws IOException {
    Path file = dir.resolve("pairs.jsonl");
    Files.writeString(file, "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}\n".repeat(20));
    DatasetException e = assertThrows(DatasetException.class, () -> ArrowDatasets.readPreferences(file));
    assertTrue(e.getMessage().startsWith(file + ": not a readable Arrow IPC file"), e.getMessage());
  }

  @Test
  void missingFileIsADatasetException() {
    Path file = dir.resolve("nope.arrow");
    DatasetException e = assertThrows(DatasetException.class, () -> ArrowDatasets.readPrompts(file));
    assertEquals(file + ": no such file", e.getMessage());
  }

  /**
   * A file from "another tool": utf8 columns named {@code utf8Columns} (row i holds "name-i", null
   * where {@code nullRows} marks it) plus an int64 column "id" or "n" that our schemas do not use.
   */
  private static void writeForeign(Path file, List<String> utf8Columns, long[] nullMask) throws IOException {
    List<Field> fields = new ArrayList<>();
    for (String name : utf8Columns) {
      fields.add(new Field(name, FieldType.nullable(name.equals("id") ? new ArrowType.Int(64, true) : new ArrowType.Utf8()), null));
    }
    fields.add(new Field("n", FieldType.nullable(new ArrowType.Int(64, true)), null));
    int rows = nullMask.length;
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields, Map.of()), allocator);
        FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, out)) {
      root.allocateNew();
      for (int i = 0; i < rows; i++) {
        for (String name : utf8Columns) {
          if (root.getVector(name) instanceof VarCharVector v) {
            boolean isNull = name.equals("response") && nullMask[i] == 2;
            if (isNull) {
              v.setNull(i);
            } else {
              v.setSafe(i, (name + "-" + i).getBytes(StandardCharsets.UTF_8));
            }
          } else {
            ((BigIntVector) root.getVector(name)).setSafe(i, i);
          }
        }
        ((BigIntVector) root.getVector("n")).setSafe(i, nullMask[i]);
      }
      root.setRowCount(rows);
      writer.start();
      writer.writeBatch();
      writer.end();
    }
  }
}
