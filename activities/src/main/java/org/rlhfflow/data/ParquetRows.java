package org.rlhfflow.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The rows of a Parquet file (the Hub's native format), read batch by batch with Arrow's dataset
 * module and turned into the same JSON rows the JSON readers give, so every layout works on
 * Parquet too: strings, numbers, booleans, lists (a TRL message list) and structs (a message).
 */
final class ParquetRows implements RowSource {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final long BATCH_ROWS = 4096;

  private final Path file;
  private final BufferAllocator allocator = new RootAllocator();
  private DatasetFactory factory;
  private Dataset dataset;
  private Scanner scanner;
  private ArrowReader reader;
  private int index;
  private long row = -1;

  ParquetRows(Path file) {
    this.file = file;
    try {
      factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, file.toAbsolutePath().toUri().toString());
      dataset = factory.finish();
      scanner = dataset.newScan(new ScanOptions(BATCH_ROWS));
      reader = scanner.scanBatches();
    } catch (RuntimeException e) {
      close();
      throw unreadable(e);
    }
  }

  @Override
  public JsonNode next() {
    try {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (index >= root.getRowCount()) {
        if (!reader.loadNextBatch()) {
          return null;
        }
        index = 0;
      }
      row++;
      ObjectNode node = NODES.objectNode();
      for (FieldVector v : root.getFieldVectors()) {
        node.set(v.getName(), json(v.getObject(index)));
      }
      index++;
      return node;
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
  }

  private DatasetException unreadable(Exception e) {
    String at = row < 0 ? "" : "after row " + row + ": ";
    return new DatasetException(file, at + "not a readable Parquet file (truncated or corrupted?): " + e.getMessage(), e);
  }

  /** Arrow's Java view of a cell (Text, JsonStringArrayList, JsonStringHashMap, boxed numbers) as JSON. */
  static JsonNode json(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof CharSequence s) {
      return NODES.textNode(s.toString());
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Double || v instanceof Float) {
      return NODES.numberNode(((Number) v).doubleValue());
    }
    if (v instanceof BigDecimal d) {
      return NODES.numberNode(d);
    }
    if (v instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (v instanceof Number n) {
      return NODES.numberNode(n.longValue());
    }
    if (v instanceof List<?> list) {
      ArrayNode out = NODES.arrayNode();
      list.forEach(e -> out.add(json(e)));
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode out = NODES.objectNode();
      map.forEach((k, e) -> out.set(String.valueOf(k), json(e)));
      return out;
    }
    if (v instanceof byte[] bytes) {
      return NODES.binaryNode(bytes);
    }
    return NODES.textNode(v.toString());
  }

  /** 0-based, as pandas and pyarrow count. */
  @Override
  public String where() {
    return "row " + row;
  }

  @Override
  public long rowsRead() {
    return row + 1;
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {reader, scanner, dataset, factory, allocator}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // native handles of a read-only scan: nothing to lose
        }
      }
    }
  }
}
