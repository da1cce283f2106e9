package org.rlhfflow.data;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Checks a file's schema against a dataset's columns and names what is missing or mistyped. */
final class SchemaCheck {
  private SchemaCheck() {}

  static void check(Path file, String kind, List<Column> columns, Schema schema) {
    for (Column c : columns) {
      Field f = find(schema, c.name());
      if (f == null && c.required()) {
        throw new DatasetException(
            file,
            "missing column \"" + c.name() + "\" (" + c.kind().label + ") of a " + kind + " dataset; columns found: "
                + found(schema));
      }
      if (f != null && !c.matches(f)) {
        throw new DatasetException(
            file, "column \"" + c.name() + "\" is " + Column.describe(f) + ", expected " + c.kind().label);
      }
    }
  }

  static Field find(Schema schema, String name) {
    return schema.getFields().stream().filter(f -> f.getName().equals(name)).findFirst().orElse(null);
  }

  private static String found(Schema schema) {
    if (schema.getFields().isEmpty()) {
      return "none";
    }
    return schema.getFields().stream().map(f -> f.getName() + " (" + Column.describe(f) + ")").collect(Collectors.joining(", "));
  }
}
