package org.rlhfflow.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rlhfflow.workflows.RlhfSweepWorkflow.PointResult;

/**
 * The sweep's result as one row per point: its overrides, status, and every numeric summary figure
 * (flattened as in summary.json: {@code oracle_score.ppo}), plus the stages it reused.
 */
final class SweepTable {
  private SweepTable() {}

  static void print(PrintWriter out, List<PointResult> points) {
    List<String> columns = columns(points);
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("point", "status"));
    header.addAll(columns);
    header.add("reused");
    rows.add(header);
    for (PointResult p : points) {
      List<String> row = new ArrayList<>(List.of(p.label(), p.status()));
      Map<String, Double> figures = numeric(p.summary());
      columns.forEach(c -> row.add(figures.containsKey(c) ? String.format("%.4f", figures.get(c)) : "-"));
      Object reused = p.summary().get("reused_stages");
      row.add(reused instanceof List<?> l && !l.isEmpty() ? String.join(",", l.stream().map(String::valueOf).toList())
          : p.error() == null ? "-" : "failed: " + p.error());
      rows.add(row);
    }
    int[] width = new int[header.size()];
    rows.forEach(r -> {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    });
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        line.append(String.format("%-" + width[i] + "s", rows.get(r).get(i))).append(i + 1 < width.length ? "  " : "");
      }
      out.println(line.toString().stripTrailing());
      if (r == 0) {
        out.println("-".repeat(line.length()));
      }
    }
    out.flush();
  }

  /** Numeric figures of every point, in first-seen order; per-stage wall times and the seed left out. */
  static List<String> columns(List<PointResult> points) {
    Set<String> keys = new LinkedHashSet<>();
    points.forEach(p -> keys.addAll(numeric(p.summary()).keySet()));
    return List.copyOf(keys);
  }

  static Map<String, Double> numeric(Map<String, Object> summary) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    summary.forEach((k, v) -> {
      if (k.equals("seed") || k.equals("stage_wall_s")) {
        return; // the seed is in the point's label when swept; stage walls would be a column per stage
      }
      if (v instanceof Number n) {
        out.put(k, n.doubleValue());
      } else if (v instanceof Map<?, ?> m) {
        m.forEach((k2, v2) -> {
          if (v2 instanceof Number n) {
            out.put(k + "." + k2, n.doubleValue());
          }
        });
      }
    });
    return out;
  }
}
