package org.rlhfflow.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rlhfflow.tracking.ReportRenderer;
import org.rlhfflow.tracking.ReportSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Renders a local tracking directory as PNG plots and a summary table: {@code rlhf report .rlhf}. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Plot the metrics in a local tracking directory: one PNG per metric group (sft, rm, ppo...),",
      "proxy vs oracle reward over PPO steps when both exist, and summary.md with final values."
    })
public final class ReportCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "Tracking directory written by the local tracker, or an RLHF_HOME (its metrics/ is used).")
  Path dir;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "OUT",
      description = "Where to write the PNGs and summary.md (default: DIR/report).")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Path target = out != null ? out : dir.resolve("report");
    ReportRenderer.Report report;
    try {
      report = ReportRenderer.render(dir, target);
    } catch (IOException e) {
      spec.commandLine().getErr().println("rlhf report: " + e.getMessage());
      return 1;
    }
    System.out.print(ReportSummary.table(report.rows()));
    System.out.println();
    for (Path chart : report.charts()) {
      System.out.println("wrote " + chart);
    }
    System.out.println("wrote " + report.summary());
    if (report.nonFinite() > 0) {
      System.out.println(report.nonFinite() + " NaN or infinite points were left out of the plots");
    }
    return 0;
  }
}
