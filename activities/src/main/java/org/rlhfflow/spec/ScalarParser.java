package org.rlhfflow.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses one YAML scalar as a spec value of a given Java type. Stricter than YAML 1.1 where it
 * bites (only {@code true}/{@code false} are booleans, quoted numbers are strings) and looser where
 * people expect it ({@code 1e-3} is a number, although YAML 1.1 reads it as a string).
 */
final class ScalarParser {
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?");

  private ScalarParser() {}

  /**
   * @param optional whether null is allowed (the field's default is null)
   * @throws IllegalArgumentException naming the expected type and what was found
   */
  static Object parse(Class<?> type, Node node, boolean optional) {
    if (isNull(node)) {
      if (optional) {
        return null;
      }
      throw mismatch(type, node);
    }
    if (type == java.util.List.class) {
      return parseStringList(node);
    }
    if (!(node instanceof ScalarNode s)) {
      throw mismatch(type, node);
    }
    String text = s.getValue();
    boolean plain = s.getScalarStyle() == ScalarStyle.PLAIN;
    if (type == String.class) {
      if (text.isBlank()) {
        throw new IllegalArgumentException("expected a non-empty string");
      }
      return text;
    } else if (type == int.class || type == Integer.class) {
      return toInt(parseLong(type, s, plain, text), type, s);
    } else if (type == long.class || type == Long.class) {
      return parseLong(type, s, plain, text);
    } else if (type == double.class || type == Double.class) {
      return parseDouble(type, s, plain, text);
    } else if (type == boolean.class || type == Boolean.class) {
      if (plain && (text.equals("true") || text.equals("false"))) {
        return Boolean.parseBoolean(text);
      }
      throw mismatch(type, s);
    } else if (type.isEnum()) {
      return parseEnum(type, text);
    }
    throw new IllegalStateException("spec fields of type " + type + " are not supported");
  }

  /** A YAML sequence of non-empty strings, e.g. {@code [nano, micro, tiny]}; the only list type specs use. */
  private static java.util.List<String> parseStringList(Node node) {
    if (!(node instanceof SequenceNode seq)) {
      throw mismatch(java.util.List.class, node);
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (Node item : seq.getValue()) {
      if (!(item instanceof ScalarNode s) || isNull(item) || s.getValue().isBlank()) {
        throw new IllegalArgumentException("expected a list of strings, item " + out.size() + " is " + kind(item));
      }
      out.add(s.getValue());
    }
    return java.util.List.copyOf(out);
  }

  private static long parseLong(Class<?> type, ScalarNode s, boolean plain, String text) {
    if (!plain || !INTEGER.matcher(text).matches()) {
      throw mismatch(type, s);
    }
    try {
      return Long.parseLong(text.replace("_", "").replaceFirst("^\\+", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected " + expected(type) + ", got " + text + " (too large)");
    }
  }

  private static int toInt(long v, Class<?> type, ScalarNode s) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("expected " + expected(type) + ", got " + v + " (too large)");
    }
    return (int) v;
  }

  private static double parseDouble(Class<?> type, ScalarNode s, boolean plain, String text) {
    if (!plain || !DECIMAL.matcher(text).matches()) {
      throw mismatch(type, s);
    }
    double v = Double.parseDouble(text.replace("_", ""));
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("expected a finite number, got " + text);
    }
    return v;
  }

  private static Object parseEnum(Class<?> type, String text) {
    for (Object c : type.getEnumConstants()) {
      if (((Enum<?>) c).name().equalsIgnoreCase(text)) {
        return c;
      }
    }
    String closest = Keys.closest(text.toLowerCase(Locale.ROOT), Arrays.asList(choices(type).split(" \\| ")));
    String hint = closest == null ? "" : "; did you mean \"" + closest + "\"?";
    throw new IllegalArgumentException("expected one of " + choices(type) + ", got \"" + text + "\"" + hint);
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  /** The enum's choices in YAML spelling: {@code k1 | k3}. */
  static String choices(Class<?> enumType) {
    return String.join(
        " | ", Arrays.stream(enumType.getEnumConstants()).map(c -> SpecTree.yamlName((Enum<?>) c)).toList());
  }

  /** The expected type in words, for error messages and the reference table. */
  static String expected(Class<?> type) {
    if (type == int.class || type == Integer.class) {
      return "an integer";
    } else if (type == long.class || type == Long.class) {
      return "a 64-bit integer";
    } else if (type == double.class || type == Double.class) {
      return "a number";
    } else if (type == boolean.class || type == Boolean.class) {
      return "a boolean (true or false)";
    } else if (type.isEnum()) {
      return "one of " + choices(type);
    } else if (type.isRecord()) {
      return "a mapping of keys";
    } else if (type == java.util.List.class) {
      return "a list of strings";
    }
    return "a string";
  }

  static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    } else if (node instanceof SequenceNode) {
      return "a list";
    } else if (isNull(node)) {
      return "null";
    }
    ScalarNode s = (ScalarNode) node;
    return s.getScalarStyle() == ScalarStyle.PLAIN ? "\"" + s.getValue() + "\"" : "the quoted string \"" + s.getValue() + "\"";
  }

  private static IllegalArgumentException mismatch(Class<?> type, Node node) {
    return new IllegalArgumentException("expected " + expected(type) + ", got " + kind(node));
  }
}
