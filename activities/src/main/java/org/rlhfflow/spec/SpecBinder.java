package org.rlhfflow.spec;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Binds a composed YAML node tree onto spec records, one section at a time: keys present in the
 * file are parsed and range-checked, missing keys take the section's {@code DEFAULT}. Every error
 * is a {@link SpecException} at the offending node.
 */
final class SpecBinder {
  private final String file;

  SpecBinder(String file) {
    this.file = file;
  }

  /** The record of {@code type} described by {@code node} (null means all defaults). */
  <R extends Record> R bind(Class<R> type, Node node, String path) {
    Map<String, NodeTuple> entries = entries(type, node, path);
    RecordComponent[] components = type.getRecordComponents();
    R defaults = defaults(type);
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      String key = SpecTree.snake(c.getName());
      NodeTuple entry = entries.get(key);
      if (entry != null) {
        args[i] = value(c, defaults, entry.getValueNode(), join(path, key));
      } else if (doc(c) != null && doc(c).required()) {
        throw error(node, join(path, key), "required key is missing (expected " + ScalarParser.expected(c.getType()) + ")");
      } else if (c.getType().isRecord() && doc(c) != null && doc(c).optional()) {
        args[i] = null; // an optional section the file does not set
      } else {
        args[i] = c.getType().isRecord() ? bindRecord(c.getType(), null, join(path, key)) : SpecTree.value(defaults, c);
      }
    }
    return construct(type, args, node, path);
  }

  @SuppressWarnings("unchecked")
  private Object bindRecord(Class<?> type, Node node, String path) {
    return bind((Class<? extends Record>) type, node, path);
  }

  private Object value(RecordComponent c, Record defaults, Node node, String path) {
    if (c.getType().isRecord()) {
      // An optional section written as null (a resolved spec's JSON) stays absent, as when left out.
      boolean optional = doc(c) != null && doc(c).optional();
      return optional && ScalarParser.isNull(node) ? null : bindRecord(c.getType(), node, path);
    }
    if (c.getType() == Map.class) {
      return bindMap(c, node, path);
    }
    boolean optional = !c.getType().isPrimitive() && SpecTree.value(defaults, c) == null;
    try {
      Object v = ScalarParser.parse(c.getType(), node, optional);
      checkRange(c, v);
      return v;
    } catch (IllegalArgumentException e) {
      throw error(node, path, e.getMessage());
    }
  }

  /** A {@code Map<String, SomeRecord>} component: any plain names as keys, each value bound as the record. */
  private Map<String, Object> bindMap(RecordComponent c, Node node, String path) {
    Map<String, Object> out = new TreeMap<>();
    if (node == null || ScalarParser.isNull(node)) {
      return out;
    }
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, path, "expected a mapping of names, got " + ScalarParser.kind(node));
    }
    Class<?> valueType = mapValueType(c);
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || k.getTag().equals(Tag.MERGE)) {
        throw error(t.getKeyNode(), path, "keys must be plain names, got " + ScalarParser.kind(t.getKeyNode()));
      }
      if (out.put(k.getValue(), bindRecord(valueType, t.getValueNode(), join(path, k.getValue()))) != null) {
        throw error(k, join(path, k.getValue()), "duplicate key");
      }
    }
    return out;
  }

  /** The record type of a {@code Map<String, R>} component's values. */
  static Class<?> mapValueType(RecordComponent c) {
    if (c.getGenericType() instanceof ParameterizedType p && p.getActualTypeArguments()[1] instanceof Class<?> v
        && v.isRecord()) {
      return v;
    }
    throw new IllegalStateException(c + ": spec maps must be Map<String, SomeRecord>");
  }

  private static void checkRange(RecordComponent c, Object v) {
    Doc doc = doc(c);
    Range range = doc == null ? null : Range.parse(doc.range());
    if (range != null && v instanceof Number n && !range.contains(n.doubleValue())) {
      throw new IllegalArgumentException(v + " is out of range " + range.text());
    }
  }

  /** The mapping's entries by key; rejects non-mappings, non-scalar keys, duplicates and unknown keys. */
  private Map<String, NodeTuple> entries(Class<? extends Record> type, Node node, String path) {
    Map<String, NodeTuple> entries = new HashMap<>();
    if (node == null || ScalarParser.isNull(node)) {
      return entries;
    }
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, path, "expected a mapping of keys, got " + ScalarParser.kind(node));
    }
    List<String> known = Arrays.stream(type.getRecordComponents()).map(c -> SpecTree.snake(c.getName())).toList();
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || k.getTag().equals(Tag.MERGE)) {
        throw error(t.getKeyNode(), path, "keys must be plain names, got " + ScalarParser.kind(t.getKeyNode()));
      }
      String key = k.getValue();
      if (!known.contains(key)) {
        throw error(k, join(path, key), unknownKeyMessage(key, known));
      }
      if (entries.put(key, t) != null) {
        throw error(k, join(path, key), "duplicate key");
      }
    }
    return entries;
  }

  private static String unknownKeyMessage(String key, List<String> known) {
    String closest = Keys.closest(key, known);
    String hint = closest == null ? "" : "; did you mean \"" + closest + "\"?";
    return "unknown key" + hint + " (known keys: " + String.join(", ", known) + ")";
  }

  private <R extends Record> R construct(Class<R> type, Object[] args, Node node, String path) {
    try {
      Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof InvalidValueException iv) {
        throw error(locate(node, iv), join(path, iv.key()), iv.problem());
      }
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
    }
  }

  /** The value node of the rule's key, else of the first related key the file sets, else the section. */
  private static Node locate(Node section, InvalidValueException iv) {
    List<String> keys = new ArrayList<>(List.of(iv.key()));
    keys.addAll(iv.related());
    for (String key : keys) {
      Node at = section;
      for (String part : key.split("\\.")) {
        NodeTuple t = at instanceof MappingNode m ? find(m, part) : null;
        at = t == null ? null : t.getValueNode();
      }
      if (at != null) {
        return at;
      }
    }
    return section;
  }

  private static NodeTuple find(MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return t;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  static <R extends Record> R defaults(Class<R> type) {
    try {
      return (R) type.getField("DEFAULT").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type.getSimpleName() + " needs a public static DEFAULT", e);
    }
  }

  static Doc doc(RecordComponent c) {
    return c.getAnnotation(Doc.class);
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private SpecException error(Node node, String keyPath, String problem) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
    return new SpecException(file, line, column, keyPath, problem);
  }
}
