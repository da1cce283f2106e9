package org.rlhfflow.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Spec records as sorted trees of snake_case keys: the one reflective walk behind JSON and params. */
final class SpecTree {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private SpecTree() {}

  /** The record as a sorted map; enums become their lowercase YAML spelling, nested records maps. */
  static TreeMap<String, Object> toTree(Record record) {
    return toTree(record, true);
  }

  private static TreeMap<String, Object> toTree(Record record, boolean top) {
    TreeMap<String, Object> tree = new TreeMap<>();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object v = value(record, c);
      if (v == null && c.getType().isRecord() && !top) {
        // An unset optional subsection (model.lora) is absent, so adding one changes no existing
        // spec's hash; an unset top-level section stays as null, as stages address those by key.
        continue;
      }
      if (v instanceof Record r) {
        v = toTree(r, false);
      } else if (v instanceof Map<?, ?> m) {
        TreeMap<String, Object> sub = new TreeMap<>();
        m.forEach((k, x) -> sub.put(String.valueOf(k), x instanceof Record r ? toTree(r) : x));
        v = sub;
      } else if (v instanceof Enum<?> e) {
        v = yamlName(e);
      }
      tree.put(snake(c.getName()), v);
    }
    return tree;
  }

  static Object value(Record record, RecordComponent c) {
    try {
      return c.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName(), e);
    }
  }

  static String json(Object tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Dotted keys to string values; nulls (unset optional values) are left out. */
  static Map<String, String> flatten(Map<String, Object> tree) {
    Map<String, String> out = new LinkedHashMap<>();
    flattenInto("", tree, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void flattenInto(String prefix, Map<String, Object> tree, Map<String, String> out) {
    tree.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> m) {
            flattenInto(prefix + k + ".", (Map<String, Object>) m, out);
          } else if (v != null) {
            out.put(prefix + k, String.valueOf(v));
          }
        });
  }

  /** The subtree or value at a dotted key path; fails naming the path and the known keys. */
  static Object at(Map<String, Object> tree, String path) {
    Object node = tree;
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(part)) {
        throw new IllegalArgumentException("no spec key \"" + path + "\"; top-level keys: " + tree.keySet());
      }
      node = m.get(part);
    }
    return node;
  }

  /** A copy of {@code record} with one top-level component replaced: no positional constructor calls. */
  @SuppressWarnings("unchecked")
  static <R extends Record> R with(R record, String component, Object value) {
    RecordComponent[] cs = record.getClass().getRecordComponents();
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    boolean found = false;
    for (int i = 0; i < cs.length; i++) {
      types[i] = cs[i].getType();
      found |= cs[i].getName().equals(component);
      args[i] = cs[i].getName().equals(component) ? value : value(record, cs[i]);
    }
    if (!found) {
      throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no component " + component);
    }
    try {
      return (R) record.getClass().getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Keys of the components that are sections (nested records). */
  static List<String> sectionKeys(Class<? extends Record> type) {
    List<String> keys = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getType().isRecord()) {
        keys.add(snake(c.getName()));
      }
    }
    return keys;
  }

  /** {@code klCoef -> kl_coef}. */
  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  static String yamlName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
