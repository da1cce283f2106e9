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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.writer.BaseWriter.StructWriter;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet inputs, written here with Arrow's dataset writer: told by content, read row by row. */
class ParquetImportTest {
  @TempDir Path dir;

  /** Writes {@code root} as one Parquet file (no .parquet suffix: the importer must not need it). */
  private Path parquet(String name, BufferAllocator allocator, VectorSchemaRoot root) throws Exception {
    Path ipc = dir.resolve(name + ".arrow");
    try (FileChannel out = FileChannel.open(ipc, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, out)) {
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    Path outDir = dir.resolve(name + ".d");
    // The dataset writer's native side may release its last buffers after write() returns (one run in
    // ~10 saw 426 bytes still held when the test's allocator closed), so the fixture writer gets an
    // allocator of its own that is left to the GC instead of failing the test on close.
    BufferAllocator writerAllocator = new RootAllocator();
    try (FileChannel in = FileChannel.open(ipc); ArrowFileReader reader = new ArrowFileReader(in, writerAllocator)) {
      DatasetFileWriter.write(writerAllocator, reader, FileFormat.PARQUET, outDir.toUri().toString());
    }
    Path file = dir.resolve(name);
    try (Stream<Path> files = Files.list(outDir)) {
      Files.move(files.findFirst().orElseThrow(), file);
    }
    return file;
  }

  private static void strings(VarCharVector v, String... values) {
    v.allocateNew();
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        v.setNull(i);
      } else {
        v.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(values.length);
  }

  @Test
  void textRowsWithANullCellNamingItsRow() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector prompt = new VarCharVector("prompt", allocator);
        VarCharVector chosen = new VarCharVector("chosen", allocator);
        VarCharVector rejected = new VarCharVector("rejected", allocator)) {
      strings(prompt, "2+2=", "Sky?", "Hi");
      strings(chosen, " 4", " blue", " hello");
      strings(rejected, " 5", null, " go");
      try (VectorSchemaRoot root = VectorSchemaRoot.of(prompt, chosen, rejected)) {
        root.setRowCount(3);
        Path in = parquet("pairs", allocator, root);
        String message = assertThrows(DatasetException.class, () -> PreferenceImporter.read(in, ImportOptions.trl())).getMessage();
        assertEquals(in + ": row 1: field \"rejected\" is null, expected a string (use --on-bad-line skip to skip such rows)", message);
        PreferenceImporter.Result r = PreferenceImporter.read(in, ImportOptions.trl().withOnBadLine(ImportOptions.OnBadLine.SKIP));
        assertEquals(List.of(PreferencePair.of("2+2=", " 4", " 5"), PreferencePair.of("Hi", " hello", " go")),
            r.pairs().stream().map(p -> PreferencePair.of(p.prompt(), p.chosen(), p.rejected())).toList());
        assertEquals(Map.of("wrong_type", 1L), r.report().skipped());
        assertEquals(3, r.report().rowsRead());
      }
    }
  }

  private static void messages(UnionListWriter w, int row, String role, String content) {
    w.setPosition(row);
    w.startList();
    StructWriter m = w.struct();
    m.start();
    byte[] r = role.getBytes(StandardCharsets.UTF_8);
    byte[] c = content.getBytes(StandardCharsets.UTF_8);
    try (BufferAllocator a = new RootAllocator(); var rb = a.buffer(r.length); var cb = a.buffer(c.length)) {
      rb.setBytes(0, r);
      cb.setBytes(0, c);
      m.varChar("role").writeVarChar(0, r.length, rb);
      m.varChar("content").writeVarChar(0, c.length, cb);
    }
    m.end();
    w.endList();
  }

  @Test
  void conversationalRowsReadAsMessageLists() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        ListVector prompt = ListVector.empty("prompt", allocator);
        ListVector chosen = ListVector.empty("chosen", allocator);
        ListVector rejected = ListVector.empty("rejected", allocator)) {
      for (var v : List.of(prompt, chosen, rejected)) {
        v.allocateNew();
      }
      UnionListWriter p = prompt.getWriter();
      UnionListWriter c = chosen.getWriter();
      UnionListWriter r = rejected.getWriter();
      messages(p, 0, "user", "2+2?");
      messages(c, 0, "assistant", "4");
      messages(r, 0, "assistant", "5");
      messages(p, 1, "user", "hi");
      messages(c, 1, "robot", "x");
      messages(r, 1, "assistant", "y");
      for (var w : List.of(p, c, r)) {
        w.setValueCount(2);
      }
      try (VectorSchemaRoot root = VectorSchemaRoot.of(prompt, chosen, rejected)) {
        root.setRowCount(2);
        Path in = parquet("conv", allocator, root);
        PreferenceImporter.Result result =
            PreferenceImporter.read(in, ImportOptions.trl().withOnBadLine(ImportOptions.OnBadLine.SKIP));
        assertEquals(List.of(new PreferencePair("\n\nHuman: 2+2?\n\nAssistant:", " 4", " 5", null, "trl", null, List.of())), result.pairs());
        assertEquals("row 1", result.report().firstBadLines().get(0).where());
      }
    }
  }

  @Test
  void aTruncatedParquetFileFailsNamingTheFile() throws IOException {
    Path in = dir.resolve("truncated.parquet");
    Files.write(in, "PAR1 not really parquet".getBytes(StandardCharsets.US_ASCII));
    String message = assertThrows(DatasetException.class, () -> PreferenceImporter.read(in, ImportOptions.trl())).getMessage();
    assertTrue(message.startsWith(in + ": not a readable Parquet file"), message);
  }
}
