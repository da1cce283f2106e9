package org.rlhfflow.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * Binary-classification datasets: Arrow IPC files or JSONL (optionally gzipped) with a string column
 * {@code text} and a column {@code label} holding 0 or 1 (an integer, a boolean, or a float that is
 * exactly 0 or 1). Anything else fails with the file, the row or line, and the field.
 *
 * <pre>{@code List<LabelledText> rows = LabelledTexts.read(Path.of("data/sentiment.jsonl"));}</pre>
 */
public final class LabelledTexts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LabelledTexts() {}

  public static List<LabelledText> read(Path file) {
    return Datasets.isArrow(file) ? readArrow(file) : readJsonl(file);
  }

  private static List<LabelledText> readJsonl(Path file) {
    List<LabelledText> rows = new ArrayList<>();
    try (JsonlLines lines = JsonlLines.open(file)) {
      for (String line = lines.next(); line != null; line = lines.next()) {
        try {
          JsonNode row = JSON.readTree(line);
          if (row == null || !row.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
          }
          JsonNode text = row.get("text");
          if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("field \"text\" is missing or not a string");
          }
          rows.add(new LabelledText(text.textValue(), label(json(row.get("label")))));
        } catch (JsonProcessingException | IllegalArgumentException e) {
          String why = e instanceof JsonProcessingException j ? "invalid JSON: " + j.getOriginalMessage() : e.getMessage();
          throw new DatasetException(file, "line " + lines.lineNumber() + ": " + why);
        }
      }
    }
    return rows;
  }

  private static Object json(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isBoolean() ? (Object) v.booleanValue() : v.isNumber() ? v.numberValue() : v.asText();
  }

  private static List<LabelledText> readArrow(Path file) {
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader arrow = new ArrowFileReader(in, allocator)) {
      VectorSchemaRoot root = arrow.getVectorSchemaRoot();
      if (!(root.getVector("text") instanceof VarCharVector)) {
        throw new DatasetException(file, "column \"text\" must exist and be utf8; schema: " + root.getSchema());
      }
      if (root.getVector("label") == null) {
        throw new DatasetException(file, "no column \"label\"; schema: " + root.getSchema());
      }
      List<LabelledText> rows = new ArrayList<>();
      for (ArrowBlock block : arrow.getRecordBlocks()) {
        arrow.loadRecordBatch(block);
        VarCharVector text = (VarCharVector) root.getVector("text");
        FieldVector label = root.getVector("label");
        for (int r = 0; r < root.getRowCount(); r++) {
          try {
            if (text.isNull(r)) {
              throw new IllegalArgumentException("field \"text\" is null");
            }
            rows.add(new LabelledText(new String(text.get(r), java.nio.charset.StandardCharsets.UTF_8),
                label(label.getObject(r))));
          } catch (IllegalArgumentException e) {
            throw new DatasetException(file, "row " + rows.size() + ": " + e.getMessage());
          }
        }
      }
      return rows;
    } catch (DatasetException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "no such file", e);
    } catch (IOException | RuntimeException e) {
      throw new DatasetException(file, "not a readable Arrow IPC file (truncated or corrupted?): " + e, e);
    }
  }

  /** 0 or 1 from an integer, boolean or float cell; the label column must be binary. */
  static int label(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
      return (int) n.doubleValue();
    }
    throw new IllegalArgumentException("field \"label\" must be binary (0 or 1, or true/false), got "
        + (v == null ? "null" : v instanceof String ? "\"" + v + "\"" : v));
  }
}
