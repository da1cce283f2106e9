package org.rlhfflow.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.rlhfflow.workflows.WeakToStrongWorkflow.Progress;
import org.rlhfflow.workflows.WeakToStrongWorkflow.W2sInput;
import org.rlhfflow.workflows.WeakToStrongWorkflow.W2sResult;

/** Starting a WeakToStrong sweep, showing its progress and printing its table: for demo and run. */
final class W2sConsole {
  private W2sConsole() {}

  static WorkflowStub start(WorkflowClient client, String workflowId, String taskQueue, W2sInput input) {
    WorkflowStub stub = client.newUntypedWorkflowStub("WeakToStrong",
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(taskQueue).build());
    stub.start(input);
    return stub;
  }

  /** Waits, redrawing "[####----] 12/40 runs" (or printing each change without a TTY). */
  static W2sResult watch(WorkflowStub stub, PrintWriter out) throws InterruptedException, ExecutionException {
    CompletableFuture<W2sResult> result = stub.getResultAsync(W2sResult.class);
    boolean tty = System.console() != null;
    long start = System.nanoTime();
    String last = "";
    while (true) {
      try {
        W2sResult r = result.get(1, TimeUnit.SECONDS);
        if (tty) {
          out.println();
        }
        return r;
      } catch (TimeoutException e) {
        String line = line(stub, (System.nanoTime() - start) / 1_000_000_000L);
        String counts = line.substring(0, line.lastIndexOf(' '));
        if (tty) {
          out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
          out.flush();
        } else if (!last.startsWith(counts)) {
          out.println(line);
          out.flush();
        }
        last = line;
      }
    }
  }

  private static String line(WorkflowStub stub, long elapsed) {
    Progress p;
    try {
      p = stub.query("progress", Progress.class);
    } catch (RuntimeException e) {
      p = new Progress("", "starting", 0, 0, 0);
    }
    int width = 20;
    int filled = p.planned() == 0 ? 0 : width * p.finished() / p.planned();
    return String.format(Locale.ROOT, "[%s%s] %d/%d runs (%d reused) %s %02d:%02d", "#".repeat(filled),
        "-".repeat(width - filled), p.finished(), p.planned(), p.reused(), p.stage(), elapsed / 60, elapsed % 60);
  }

  /** The table of pairs and the headline figures. */
  @SuppressWarnings("unchecked")
  static void printSummary(PrintWriter out, Map<String, Object> summary) {
    Object w2s = summary.get("w2s");
    if (!(w2s instanceof Map<?, ?> figures)) {
      PipelineConsole.printSummary(out, summary);
      return;
    }
    out.println();
    out.printf("%-10s %-10s %8s %8s %8s %8s %8s %8s%n", "weak", "strong", "weak", "ceiling", "xent", "logconf",
        "PGR xent", "PGR lc");
    out.println("-".repeat(78));
    for (Object row : (List<Object>) figures.get("pairs")) {
      Map<String, Object> p = (Map<String, Object>) row;
      Map<String, Object> acc = (Map<String, Object>) p.get("studentAccuracy");
      Map<String, Object> pgr = (Map<String, Object>) p.get("pgr");
      out.printf("%-10s %-10s %8s %8s %8s %8s %8s %8s%n", shortName(p.get("weak")), shortName(p.get("strong")),
          f(p.get("weakAccuracy")), f(p.get("ceilingAccuracy")), f(acc.get("xent")), f(acc.get("logconf")),
          f(pgr.get("xent")), f(pgr.get("logconf")));
    }
    out.println();
    for (String k : List.of("pgr", "accuracy", "excluded_seeds")) {
      ((Map<String, Object>) figures.get(k)).forEach((k2, v) -> out.printf("w2s.%s.%-20s %s%n", k, k2, f(v)));
    }
    if (figures.get("bootstrap") instanceof Map<?, ?> b) {
      out.printf("w2s.bootstrap %s: PGR %s, direct PGR %s%n", b.get("chain"), f(b.get("pgr")), f(b.get("directPgr")));
    }
    out.printf("wall_s %s%n", f(summary.get("wall_s")));
    out.flush();
  }

  private static String shortName(Object name) {
    String s = String.valueOf(name);
    return s.length() > 10 ? "..." + s.substring(s.length() - 7) : s;
  }

  private static String f(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue()) : String.valueOf(v);
  }
}
