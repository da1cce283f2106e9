package org.rlhfflow.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Row lists to and from Arrow IPC files, for any {@link Column} list. Files are written in
 * batches of {@value #BATCH_ROWS} rows to a temporary sibling and moved into place, so a failed
 * write never leaves a partial file.
 */
final class ArrowTables {
  static final int BATCH_ROWS = 4096;

  private ArrowTables() {}

  /** Writes {@code rows}; {@code cells} gives each row's values in column order. */
  static <T> void write(Path file, List<Column> columns, String kind, List<T> rows, Function<T, Object[]> cells)
      throws IOException {
    AtomicFiles.write(file, tmp -> writeTo(tmp, DatasetSchemas.schema(columns, kind), rows, cells));
  }

  private static <T> void writeTo(Path tmp, Schema schema, List<T> rows, Function<T, Object[]> cells)
      throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, out)) {
      writer.start();
      int start = 0;
      do { // at least one batch, so an empty dataset still has a readable schema
        int end = Math.min(rows.size(), start + BATCH_ROWS);
        root.allocateNew();
        for (int r = start; r < end; r++) {
          setRow(root, r - start, cells.apply(rows.get(r)));
        }
        root.setRowCount(end - start);
        writer.writeBatch();
        start = end;
      } while (start < rows.size());
      writer.end();
    }
  }

  private static void setRow(VectorSchemaRoot root, int r, Object[] values) {
    for (int c = 0; c < values.length; c++) {
      FieldVector v = root.getVector(c);
      Object value = values[c];
      if (v instanceof VarCharVector s) {
        if (value == null) {
          s.setNull(r);
        } else {
          s.setSafe(r, ((String) value).getBytes(StandardCharsets.UTF_8));
        }
      } else if (v instanceof Float8Vector d) {
        if (value == null) {
          d.setNull(r);
        } else {
          d.setSafe(r, (Double) value);
        }
      } else if (v instanceof ListVector list && list.getDataVector() instanceof IntVector) {
        setInts(list, r, (int[]) value);
      } else if (v instanceof ListVector list) {
        setStrings(list, r, (List<?>) value);
      } else {
        throw new IllegalStateException("no writer for " + v.getField());
      }
    }
  }

  /** A list cell: offsets bracket the strings appended to the child vector. Null lists are written empty. */
  private static void setStrings(ListVector list, int r, List<?> values) {
    int offset = list.startNewValue(r);
    VarCharVector data = (VarCharVector) list.getDataVector();
    int n = values == null ? 0 : values.size();
    for (int j = 0; j < n; j++) {
      data.setSafe(offset + j, ((String) values.get(j)).getBytes(StandardCharsets.UTF_8));
    }
    list.endValue(r, n);
  }

  /** A list&lt;int32&gt; cell; null (unknown) is written as an empty list, which reads back as null. */
  private static void setInts(ListVector list, int r, int[] values) {
    int offset = list.startNewValue(r);
    IntVector data = (IntVector) list.getDataVector();
    int n = values == null ? 0 : values.length;
    for (int j = 0; j < n; j++) {
      data.setSafe(offset + j, values[j]);
    }
    list.endValue(r, n);
  }

  /**
   * The file's schema as MLflow colspec JSON ({@code {"mlflow_colspec": [{"type": "string", "name":
   * "prompt"}, ...]}}) and its row count, read from the footer and batch headers.
   */
  static Profile profile(Path file) {
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader arrow = new ArrowFileReader(in, allocator)) {
      VectorSchemaRoot root = arrow.getVectorSchemaRoot();
      long rows = 0;
      for (ArrowBlock block : arrow.getRecordBlocks()) {
        arrow.loadRecordBatch(block);
        rows += root.getRowCount();
      }
      StringBuilder cols = new StringBuilder("{\"mlflow_colspec\": [");
      List<org.apache.arrow.vector.types.pojo.Field> fields = root.getSchema().getFields();
      for (int i = 0; i < fields.size(); i++) {
        cols.append(i == 0 ? "" : ", ").append("{\"type\": ").append(colspecType(fields.get(i)))
            .append(", \"name\": \"").append(fields.get(i).getName().replace("\"", "")).append("\"}");
      }
      return new Profile(cols.append("]}").toString(), rows);
    } catch (IOException | RuntimeException e) {
      throw new DatasetException(file, "not a readable Arrow IPC file (truncated or corrupted?): " + e, e);
    }
  }

  /** A dataset file's MLflow schema and row count. */
  record Profile(String mlflowSchema, long rows) {}

  private static String colspecType(org.apache.arrow.vector.types.pojo.Field f) {
    String t = Column.describe(f);
    return switch (t) {
      case "utf8" -> "\"string\"";
      case "float64" -> "\"double\"";
      case "float32" -> "\"float\"";
      case "int32" -> "\"integer\"";
      case "int64" -> "\"long\"";
      default -> t.startsWith("list<") && f.getChildren().size() == 1
          ? "{\"type\": \"array\", \"items\": {\"type\": " + colspecType(f.getChildren().get(0)) + "}}"
          : "\"binary\"";
    };
  }

  /** Reads every row; the schema is checked before the first row is read. */
  static <T> List<T> read(Path file, List<Column> columns, String kind, Function<RowView, T> reader) {
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader arrow = new ArrowFileReader(in, allocator)) {
      VectorSchemaRoot root = arrow.getVectorSchemaRoot();
      SchemaCheck.check(file, kind, columns, root.getSchema());
      List<T> rows = new ArrayList<>();
      for (ArrowBlock block : arrow.getRecordBlocks()) {
        arrow.loadRecordBatch(block);
        for (int r = 0; r < root.getRowCount(); r++) {
          rows.add(reader.apply(new RowView(file, root, r, rows.size())));
        }
      }
      return rows;
    } catch (DatasetException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "no such file", e);
    } catch (IOException | RuntimeException e) {
      // Arrow reports bad bytes as assorted runtime exceptions from deep in the flatbuffer decoder.
      throw new DatasetException(file, "not a readable Arrow IPC file (truncated or corrupted?): " + e, e);
    }
  }
}
