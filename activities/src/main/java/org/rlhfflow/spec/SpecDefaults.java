package org.rlhfflow.spec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Builds a section's {@code DEFAULT} from the {@code def} of each field's {@link Doc}, parsed as
 * YAML would be, so every default is written once, by name, next to its documentation:
 *
 * <pre>{@code
 * @Doc(value = "Rollout-then-update iterations.", range = "[1, inf)", def = "60") int iterations,
 * ...
 * public static final PpoSpec DEFAULT = SpecDefaults.of(PpoSpec.class);
 * }</pre>
 *
 * Nested sections take their own {@code DEFAULT}, maps are empty, and an empty {@code def} leaves
 * an optional (boxed or string) field unset.
 */
public final class SpecDefaults {
  private SpecDefaults() {}

  public static <R extends Record> R of(Class<R> type) {
    RecordComponent[] cs = type.getRecordComponents();
    Object[] args = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      args[i] = value(type, cs[i]);
    }
    try {
      Class<?>[] types = Arrays.stream(cs).map(RecordComponent::getType).toArray(Class<?>[]::new);
      return type.getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("defaults of " + type.getSimpleName() + " are invalid: "
          + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build the defaults of " + type.getSimpleName(), e);
    }
  }

  private static Object value(Class<?> owner, RecordComponent c) {
    Class<?> t = c.getType();
    Doc doc = c.getAnnotation(Doc.class);
    if (t.isRecord()) {
      return doc != null && doc.optional() ? null : SpecBinder.defaults(t.asSubclass(Record.class));
    }
    if (t == Map.class) {
      return Map.of();
    }
    String def = doc == null ? "" : doc.def();
    if (def.isEmpty()) {
      if (t.isPrimitive()) {
        throw new IllegalStateException(owner.getSimpleName() + "." + c.getName() + " needs @Doc(def = ...)");
      }
      return null;
    }
    ScalarNode node = new ScalarNode(Tag.STR, def, null, null, ScalarStyle.PLAIN);
    try {
      return ScalarParser.parse(t, node, true);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(owner.getSimpleName() + "." + c.getName() + " def \"" + def + "\": "
          + e.getMessage(), e);
    }
  }
}
