package org.rlhfflow.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/** Typed access to one row of a loaded batch; nulls in required columns are errors naming the row. */
final class RowView {
  private final Path file;
  private final VectorSchemaRoot root;
  private final int index;
  private final int row;

  /**
   * @param index row within the loaded batch
   * @param row 0-based row within the file, for messages
   */
  RowView(Path file, VectorSchemaRoot root, int index, int row) {
    this.file = file;
    this.root = root;
    this.index = index;
    this.row = row;
  }

  /** A required utf8 cell. */
  String string(String column) {
    String v = optString(column);
    if (v == null) {
      throw new DatasetException(file, "row " + row + ": column \"" + column + "\" is null");
    }
    return v;
  }

  /** An optional utf8 cell: null when the column is absent or the cell is null. */
  String optString(String column) {
    FieldVector v = root.getVector(column);
    if (v == null || v.isNull(index)) {
      return null;
    }
    return new String(((VarCharVector) v).get(index), StandardCharsets.UTF_8);
  }

  /** An optional float64 cell. */
  Double optDouble(String column) {
    FieldVector v = root.getVector(column);
    return v == null || v.isNull(index) ? null : ((Float8Vector) v).get(index);
  }

  /** An optional list&lt;int32&gt; cell; absent, null and empty all read as null (unknown). */
  int[] optInts(String column) {
    FieldVector v = root.getVector(column);
    if (v == null || v.isNull(index)) {
      return null;
    }
    ListVector list = (ListVector) v;
    IntVector data = (IntVector) list.getDataVector();
    int from = list.getElementStartIndex(index);
    int to = list.getElementEndIndex(index);
    if (from == to) {
      return null;
    }
    int[] out = new int[to - from];
    for (int j = from; j < to; j++) {
      if (data.isNull(j)) {
        throw new DatasetException(file, "row " + row + ": column \"" + column + "\" has a null element");
      }
      out[j - from] = data.get(j);
    }
    return out;
  }

  /** A list&lt;utf8&gt; cell; absent, null and empty all read as an empty list. */
  List<String> strings(String column) {
    FieldVector v = root.getVector(column);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull(index)) {
      return out;
    }
    ListVector list = (ListVector) v;
    VarCharVector data = (VarCharVector) list.getDataVector();
    for (int j = list.getElementStartIndex(index); j < list.getElementEndIndex(index); j++) {
      if (data.isNull(j)) {
        throw new DatasetException(file, "row " + row + ": column \"" + column + "\" has a null element");
      }
      out.add(new String(data.get(j), StandardCharsets.UTF_8));
    }
    return out;
  }
}
