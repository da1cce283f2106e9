package org.rlhfflow.activities.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A sweep's grid: {@code --grid ppo.kl_coef=0.05,0.1 --grid seed=0,1} is the cartesian product of
 * the axes, in the order given (the last axis varies fastest). Each point is the base spec with its
 * overrides written into the YAML tree and the result loaded by {@link SpecLoader}, so a bad key or
 * value fails here, naming the key, before any pipeline starts.
 */
public final class SweepGrid {
  private SweepGrid() {}

  /** One axis: a dotted spec key and the values it takes. */
  public record Axis(String key, List<String> values) {}

  /** Parses {@code key=v1,v2,...}; fails naming the argument when it has no key or no value. */
  public static Axis axis(String arg) {
    int eq = arg.indexOf('=');
    if (eq <= 0 || eq == arg.length() - 1) {
      throw new IllegalArgumentException("--grid " + arg + ": expected KEY=V1,V2,... (e.g. ppo.kl_coef=0.05,0.1)");
    }
    String key = arg.substring(0, eq).trim();
    List<String> values = new ArrayList<>();
    for (String v : arg.substring(eq + 1).split(",", -1)) {
      if (v.isBlank()) {
        throw new IllegalArgumentException("--grid " + arg + ": empty value for " + key);
      }
      values.add(v.trim());
    }
    return new Axis(key, values);
  }

  /**
   * Every point of the grid over {@code baseYaml}, validated.
   *
   * @param source the base spec's file name, for error messages
   * @throws SpecException naming the point's overrides and the bad key
   * @throws IllegalArgumentException when an argument is malformed or a key repeats
   */
  public static List<SweepPoint> expand(String baseYaml, String source, List<String> grid) {
    List<Axis> axes = grid.stream().map(SweepGrid::axis).toList();
    if (axes.isEmpty()) {
      throw new IllegalArgumentException("a sweep needs at least one --grid KEY=V1,V2,...");
    }
    if (axes.stream().map(Axis::key).distinct().count() != axes.size()) {
      throw new IllegalArgumentException("--grid: a key is given twice: " + axes.stream().map(Axis::key).toList());
    }
    List<Map<String, String>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Axis axis : axes) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> p : points) {
        for (String v : axis.values()) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.put(axis.key(), v);
          next.add(q);
        }
      }
      points = next;
    }
    List<SweepPoint> out = new ArrayList<>();
    for (Map<String, String> overrides : points) {
      String label = label(overrides);
      String yaml = apply(baseYaml, source, overrides);
      SpecLoader.parse(yaml, source + " with " + label); // unknown keys, wrong types, out of range
      out.add(new SweepPoint(label, overrides, yaml));
    }
    return out;
  }

  /** {@code ppo.kl_coef=0.05 seed=1}: the point's name in tables and tags. */
  static String label(Map<String, String> overrides) {
    StringBuilder s = new StringBuilder();
    overrides.forEach((k, v) -> s.append(s.isEmpty() ? "" : " ").append(k).append('=').append(v));
    return s.toString();
  }

  /**
   * The base YAML with each dotted key set. Values are read as YAML scalars, so {@code 0.1} is a
   * number and {@code adaptive} a string, exactly as if written in the file.
   */
  @SuppressWarnings("unchecked")
  static String apply(String baseYaml, String source, Map<String, String> overrides) {
    Yaml yaml = new Yaml(new LoaderOptions());
    Object root = yaml.load(baseYaml);
    if (!(root instanceof Map<?, ?>)) {
      throw new SpecException(source, 0, 0, "", "the base spec is not a mapping");
    }
    Map<String, Object> tree = (Map<String, Object>) root;
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      String[] parts = o.getKey().split("\\.");
      Map<String, Object> node = tree;
      for (int i = 0; i < parts.length - 1; i++) {
        Object child = node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        if (!(child instanceof Map<?, ?>)) {
          throw new SpecException(source, 0, 0, o.getKey(),
              "--grid: " + String.join(".", List.of(parts).subList(0, i + 1)) + " is a value, not a section");
        }
        node = (Map<String, Object>) child;
      }
      node.put(parts[parts.length - 1], yaml.load(o.getValue()));
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(tree);
  }
}
