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

  /** The whole report page: the table, then every chart (paths relative to the page). */
  static String markdown(List<ReportRenderer.Row> rows, List<Path> charts, int nonFinite) {
    StringBuilder sb = new StringBuilder("# Metrics report\n\n").append(table(rows));
    if (nonFinite > 0) {
      sb.append("\n").append(nonFinite).append(" NaN or infinite points are not plotted.\n");
    }
    for (Path c : charts) {
      String name = c.getFileName().toString();
      sb.append("\n![").append(name).append("](").append(name).append(")\n");
    }
    return sb.toString();
  }
}
