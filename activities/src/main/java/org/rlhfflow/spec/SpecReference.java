package org.rlhfflow.spec;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the spec reference (every key, default, range, effect and source) from the {@link Doc}
 * annotations and {@code DEFAULT} constants, so the README cannot drift from the code. {@code
 * docs/spec-reference.md} is {@link #document()}; the README embeds {@link #markdown()} between
 * {@code <!-- spec-reference:start -->} and {@code <!-- spec-reference:end -->}.
 */
public final class SpecReference {
  private SpecReference() {}

  /** Prints {@link #document()}: {@code ... SpecReference > docs/spec-reference.md}. */
  public static void main(String[] args) {
    System.out.print(document());
  }

  /** The full {@code docs/spec-reference.md}. */
  public static String document() {
    return "# Experiment spec reference\n\n"
        + "Generated from the `@Doc` annotations and `DEFAULT` constants in `org.rlhfflow.spec`"
        + " (`./rlhf spec reference --document`); do not edit by hand. YAML files in `experiments/`"
        + " set only what differs from these defaults; unknown keys, wrong types and values outside"
        + " the range are rejected with file:line:column.\n\n"
        + markdown();
  }

  /** One table per section, in spec order. */
  public static String markdown() {
    StringBuilder out = new StringBuilder();
    section(out, ExperimentSpec.class, "", false);
    return out.toString();
  }

  private static void section(StringBuilder out, Class<? extends Record> type, String path, boolean optional) {
    Doc doc = type.getAnnotation(Doc.class);
    out.append("### ").append(path.isEmpty() ? "Top level" : "`" + path + "`").append("\n\n");
    if (doc != null && !path.isEmpty()) {
      out.append(doc.value()).append(optional ? " Optional: absent unless the spec sets it." : "").append("\n\n");
    }
    out.append("| key | default | range | effect | source |\n|---|---|---|---|---|\n");
    Record defaults = SpecBinder.defaults(type);
    for (RecordComponent c : type.getRecordComponents()) {
      if (!c.getType().isRecord()) {
        row(out, c, defaults, path);
      }
    }
    out.append('\n');
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getType().isRecord()) {
        Doc sectionDoc = SpecBinder.doc(c);
        section(out, c.getType().asSubclass(Record.class), join(path, SpecTree.snake(c.getName())),
            sectionDoc != null && sectionDoc.optional());
      } else if (c.getType() == Map.class) {
        section(out, SpecBinder.mapValueType(c).asSubclass(Record.class),
            join(path, SpecTree.snake(c.getName())) + ".<" + mapKeyName(c) + ">", false);
      }
    }
  }

  private static void row(StringBuilder out, RecordComponent c, Record defaults, String path) {
    Doc doc = SpecBinder.doc(c);
    if (doc == null) {
      throw new IllegalStateException(c + " has no @Doc");
    }
    Object value = SpecTree.value(defaults, c);
    String def = doc.required() ? "required" : value == null ? "unset" : "`" + format(value) + "`";
    out.append("| `").append(join(path, SpecTree.snake(c.getName()))).append("` | ")
        .append(def).append(" | ")
        .append(cell(range(c, doc, value))).append(" | ")
        .append(cell(doc.value())).append(" | ")
        .append(cell(doc.source())).append(" |\n");
  }

  private static String range(RecordComponent c, Doc doc, Object defaultValue) {
    Class<?> t = c.getType();
    String base;
    if (t.isEnum()) {
      base = ScalarParser.choices(t);
    } else if (t == Map.class) {
      return mapKeyName(c) + " name -> the overrides below";
    } else if (t == boolean.class || t == Boolean.class) {
      base = "true | false";
    } else if (!doc.range().isBlank()) {
      base = doc.range() + (t == int.class || t == long.class || t == Integer.class ? " integer" : "");
    } else {
      base = ScalarParser.expected(t).replaceFirst("^an? ", "");
    }
    boolean optional = !t.isPrimitive() && defaultValue == null && !doc.required();
    return optional ? base + ", optional" : base;
  }

  /** What a map's keys name, from its key: {@code stages} -> stage, {@code models} -> model. */
  private static String mapKeyName(RecordComponent c) {
    return c.getName().replaceFirst("s$", "");
  }

  /** Doubles as people write them (0.0003, 1.0), enums in YAML spelling. */
  static String format(Object v) {
    if (v instanceof Enum<?> e) {
      return SpecTree.yamlName(e);
    }
    if (v instanceof Map<?, ?> m && m.isEmpty()) {
      return "{}";
    }
    if (v instanceof Double d) {
      return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : BigDecimal.valueOf(d).toPlainString();
    }
    return String.valueOf(v);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
