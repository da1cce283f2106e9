package org.rlhfflow.data;

import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * One column of a dataset schema: name, Arrow type and whether files must have it. Files may carry
 * extra columns; they are ignored.
 */
record Column(String name, Kind kind, boolean required) {

  /** The Arrow types datasets use. */
  enum Kind {
    UTF8("utf8"),
    FLOAT64("float64"),
    LIST_UTF8("list<utf8>"),
    LIST_INT32("list<int32>");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  static Column required(String name, Kind kind) {
    return new Column(name, kind, true);
  }

  static Column optional(String name, Kind kind) {
    return new Column(name, kind, false);
  }

  /** The Arrow field written for this column; nullable because optional values may be absent. */
  Field field() {
    return switch (kind) {
      case UTF8 -> new Field(name, FieldType.nullable(new ArrowType.Utf8()), null);
      case FLOAT64 -> new Field(name, FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null);
      case LIST_UTF8 -> new Field(name, FieldType.nullable(new ArrowType.List()),
          List.of(new Field("item", FieldType.nullable(new ArrowType.Utf8()), null)));
      case LIST_INT32 -> new Field(name, FieldType.nullable(new ArrowType.List()),
          List.of(new Field("item", FieldType.nullable(new ArrowType.Int(32, true)), null)));
    };
  }

  /** Whether a field found in a file has this column's type (large_utf8 and other widths do not). */
  boolean matches(Field f) {
    return describe(f).equals(kind.label);
  }

  /** A field's type in the same words the docs use: utf8, float64, list<utf8>, int64, ... */
  static String describe(Field f) {
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Utf8) {
      return "utf8";
    } else if (t instanceof ArrowType.FloatingPoint fp) {
      return switch (fp.getPrecision()) {
        case HALF -> "float16";
        case SINGLE -> "float32";
        case DOUBLE -> "float64";
      };
    } else if (t instanceof ArrowType.Int i) {
      return (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
    } else if (t instanceof ArrowType.List && f.getChildren().size() == 1) {
      return "list<" + describe(f.getChildren().get(0)) + ">";
    }
    return t.toString().toLowerCase(java.util.Locale.ROOT);
  }
}
