package org.rlhfflow.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The report's text half: a table of where every metric ended, as Markdown. */
public final class ReportSummary {

  private static final String ROW = "| %-28s | %-12s | %6d | %8d | %10.4g | %10.4g | %10.4g |%n";

  private ReportSummary() {}

  /** A Markdown table, one row per metric and run; also reads well in a terminal. */
  public static String table(List<ReportRenderer.Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "| %-28s | %-12s | %6s | %8s | %10s | %10s | %10s |%n",
        "metric", "run", "points", "lastStep", "last", "min", "max"));
    sb.append("|").append("-".repeat(30)).append("|").append("-".repeat(14)).append("|")
        .append("-".repeat(8)).append("|").append("-".repeat(10)).append("|")
        .append("-".repeat(12)).append("|").append("-".repeat(12)).append("|")
        .append("-".repeat(12)).append("|").append(System.lineSeparator());
    for (ReportRenderer.Row r : rows) {
      sb.append(String.format(Locale.ROOT, ROW,
          r.metric(), r.run(), r.points(), r.lastStep(), r.last(), r.min(), r.max()));
    }
    return sb.toString();
  }

  /** Scalars (metrics logged once per run) as metric | run | value. */
  public static String scalarTable(List<ReportRenderer.Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "| %-28s | %-12s | %12s |%n", "metric", "run", "value"));
    sb.append("|").append("-".repeat(30)).append("|").append("-".repeat(14)).append("|")
        .append("-".repeat(14)).append("|").append(System.lineSeparator());
    for (ReportRenderer.Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %-28s | %-12s | %12s |%n", r.metric(), r.run(), value(r.last())));
    }
    return sb.toString();
  }

  /** Six significant digits without trailing zeros: 0.96, 1534, 4.53185, 5.018e-05. */
  static String value(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e9) {
      return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.5e", v);
  }

  /**
   * The whole report page: the lead charts (over-optimisation, SFT vs PPO), the scalars, the
   * histories' table, then the other charts (paths relative to the page).
   */
  static String markdown(List<ReportRenderer.Row> rows, List<Path> charts, int nonFinite) {
    StringBuilder sb = new StringBuilder("# Metrics report\n");
    List<Path> lead = charts.stream().filter(ReportSummary::isLead).toList();
    lead.forEach(c -> image(sb, c));
    List<ReportRenderer.Row> scalars = rows.stream().filter(r -> r.points() == 1).toList();
    List<ReportRenderer.Row> series = rows.stream().filter(r -> r.points() > 1).toList();
    if (!scalars.isEmpty()) {
      sb.append("\n## Scalars\n\n").append(scalarTable(scalars));
    }
    if (!series.isEmpty()) {
      sb.append("\n## Histories\n\n").append(table(series));
    }
    if (nonFinite > 0) {
      sb.append("\n").append(nonFinite).append(" NaN or infinite points are not plotted.\n");
    }
    charts.stream().filter(c -> !isLead(c)).forEach(c -> image(sb, c));
    return sb.toString();
  }

  private static boolean isLead(Path chart) {
    String name = chart.getFileName().toString();
    return name.equals(ReportRenderer.OVEROPTIMISATION_PNG) || name.equals(ReportRenderer.SFT_VS_PPO_PNG);
  }

  private static void image(StringBuilder sb, Path chart) {
    String name = chart.getFileName().toString();
    sb.append("\n![").append(name).append("](").append(name).append(")\n");
  }
}
