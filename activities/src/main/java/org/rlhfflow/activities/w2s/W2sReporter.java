package org.rlhfflow.activities.w2s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.w2s.W2sActivities.ReportInput;
import org.rlhfflow.activities.w2s.W2sActivities.ReportResult;
import org.rlhfflow.activities.w2s.W2sTable.Bootstrap;
import org.rlhfflow.activities.w2s.W2sTable.Pair;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Json;

/**
 * Writes the sweep's report: summary.json, the table (Markdown and JSON) and the two plots, into
 * the parent MLflow run (metrics {@code w2s/pgr/xent} ..., artifacts under {@code report/}) and an
 * artifact directory the CLI copies to {@code DIR/report}. Closes the parent run.
 */
final class W2sReporter {
  private final StageServices services;

  W2sReporter(StageServices services) {
    this.services = services;
  }

  ReportResult report(ReportInput input) {
    try {
      Path dir = Files.createDirectories(services.scratch().resolve("w2s").resolve(input.ctx().workflowId()));
      Path reportDir = Files.createDirectories(dir.resolve("report"));
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("experiment", input.plan().experiment());
      summary.put("method", "weak_to_strong");
      summary.put("status", input.status());
      summary.put("seeds", input.plan().seeds());
      if ("FINISHED".equals(input.status())) {
        summary.put("w2s", figures(input, reportDir));
      } else {
        summary.put("failure", String.valueOf(input.message()));
      }
      summary.put("runs", input.runs().size());
      summary.put("reused_runs", input.runs().stream().filter(W2sActivities.TrainResult::reused).count());
      summary.put("warnings", input.plan().warnings());
      summary.put("wall_s", input.wallSeconds());
      summary.put("spec_sha256", input.ctx().specSha256());
      summary.put("workflow_id", input.ctx().workflowId());
      Path file = dir.resolve("summary.json");
      Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
      String runId = input.ctx().parentRunId();
      numeric("", summary, runId);
      services.tracker().logArtifact(runId, file, "summary");
      try (var files = Files.list(reportDir)) {
        for (Path f : files.sorted().toList()) {
          services.tracker().logArtifact(runId, f, "report");
        }
      }
      if (input.message() != null) {
        String m = input.message();
        services.tracker().setTags(runId, Map.of("rlhf.failure", m.length() > 400 ? m.substring(0, 400) : m));
      }
      services.tracker().endRun(runId, input.status());
      ArtifactRef summaryRef = services.store().put(file);
      return new ReportResult(summary, summaryRef, services.store().putDirectory(reportDir));
    } catch (IOException e) {
      throw new UncheckedIOException("writing the weak-to-strong report of " + input.ctx().workflowId(), e);
    }
  }

  private Map<String, Object> figures(ReportInput input, Path reportDir) throws IOException {
    W2sTable table = new W2sTable(input.plan(), input.runs());
    List<Pair> pairs = table.pairs();
    List<String> losses = input.plan().losses();
    Map<String, Object> w2s = new LinkedHashMap<>();
    Map<String, Object> pgr = new LinkedHashMap<>();
    Map<String, Object> excluded = new LinkedHashMap<>();
    for (String loss : losses) {
      pgr.put(loss, W2sTable.headline(pairs, loss));
      excluded.put(loss, pairs.stream().mapToInt(p -> p.excluded().get(loss)).sum());
    }
    w2s.put("pgr", pgr);
    w2s.put("excluded_seeds", excluded);
    Map<String, Object> accuracy = new LinkedHashMap<>();
    accuracy.put("weak", W2sTable.mean(pairs.stream().map(Pair::weakAccuracy).toList()));
    accuracy.put("strong_ceiling", W2sTable.mean(pairs.stream().map(Pair::ceilingAccuracy).toList()));
    for (String loss : losses) {
      accuracy.put("student_" + loss, W2sTable.mean(pairs.stream().map(p -> p.studentAccuracy().get(loss)).toList()));
    }
    w2s.put("accuracy", accuracy);
    w2s.put("pairs", pairs);
    Bootstrap bootstrap = table.bootstrap();
    if (bootstrap != null) {
      w2s.put("bootstrap", bootstrap);
    }
    Map<String, Object> pretrain = pretrain(input);
    if (!pretrain.isEmpty()) {
      w2s.put("pretrain", pretrain);
    }
    Files.writeString(reportDir.resolve("w2s-table.md"), markdown(pairs, losses, bootstrap) + pretrainMarkdown(pretrain));
    Files.writeString(reportDir.resolve("w2s-table.json"), Json.MAPPER.writeValueAsString(w2s) + "\n");
    W2sPlots.accuracyBySize(pairs, input.plan().weak(), losses, reportDir.resolve("w2s-accuracy-by-strong-size.png"));
    W2sPlots.pgrByLoss(pairs, losses, reportDir.resolve("w2s-pgr-by-loss.png"));
    return w2s;
  }

  /** Per pretrained model, smallest first: how well it learnt the corpus. */
  private static Map<String, Object> pretrain(ReportInput input) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (input.pretrained() == null) {
      return out; // a report input recorded before pretraining existed
    }
    input.pretrained().stream()
        .sorted(java.util.Comparator.comparingLong(p -> input.plan().params().getOrDefault(p.model(), 0L)))
        .forEach(p -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("params", input.plan().params().get(p.model()));
          m.put("note_accuracy", p.metrics().get("w2s/pretrain_note_accuracy"));
          m.put("final_loss", p.metrics().get("w2s/pretrain_final_loss"));
          m.put("steps", p.metrics().get("w2s/pretrain_steps"));
          out.put(W2sModels.label(p.model()), m);
        });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static String pretrainMarkdown(Map<String, Object> pretrain) {
    if (pretrain.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("\nPretraining (w2s.pretrain): held-out notes predicted whole\n\n"
        + "| model | params | note accuracy | final loss | steps |\n|---|---|---|---|---|\n");
    pretrain.forEach((model, v) -> {
      Map<String, Object> m = (Map<String, Object>) v;
      out.append("| ").append(cell(model)).append(" | ").append(m.get("params")).append(" | ")
          .append(f((Double) m.get("note_accuracy"))).append(" | ").append(f((Double) m.get("final_loss")))
          .append(" | ").append(Math.round((Double) m.get("steps"))).append(" |\n");
    });
    return out.toString();
  }

  /** The table as Markdown; model names are escaped for the pipe syntax. */
  static String markdown(List<Pair> pairs, List<String> losses, Bootstrap bootstrap) {
    StringBuilder out = new StringBuilder("| weak | strong | weak acc. | ceiling acc. |");
    losses.forEach(l -> out.append(" student (").append(l).append(") |"));
    losses.forEach(l -> out.append(" PGR ").append(l).append(" |"));
    out.append("\n|---|---|---|---|").append("---|".repeat(2 * losses.size())).append('\n');
    for (Pair p : pairs) {
      out.append("| ").append(cell(W2sModels.label(p.weak()))).append(" (").append(p.weakParams()).append(") | ")
          .append(cell(W2sModels.label(p.strong()))).append(" (").append(p.strongParams()).append(") | ")
          .append(f(p.weakAccuracy())).append(" | ").append(f(p.ceilingAccuracy())).append(" |");
      losses.forEach(l -> out.append(' ').append(f(p.studentAccuracy().get(l))).append(" |"));
      losses.forEach(l -> out.append(' ').append(p.pgr().get(l) == null ? "excluded" : f(p.pgr().get(l)))
          .append(p.excluded().get(l) > 0 ? " (" + p.excluded().get(l) + " seeds excl.)" : "").append(" |"));
      out.append('\n');
    }
    if (bootstrap != null) {
      out.append("\nBootstrapping ").append(cell(String.join(" -> ", bootstrap.chain()))).append(": final accuracy ")
          .append(f(bootstrap.finalAccuracy())).append(", PGR ").append(f(bootstrap.pgr())).append("; direct ")
          .append(f(bootstrap.directAccuracy())).append(", PGR ").append(f(bootstrap.directPgr())).append('\n');
    }
    return out.toString();
  }

  private static String f(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** Numeric leaves as parent-run metrics, slash-namespaced: {@code w2s/pgr/xent}. */
  @SuppressWarnings("unchecked")
  private void numeric(String prefix, Map<String, Object> tree, String runId) {
    tree.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m) {
        numeric(prefix + k + "/", (Map<String, Object>) m, runId);
      } else if (v instanceof Number n && Double.isFinite(n.doubleValue()) && prefix.startsWith("w2s")) {
        services.tracker().logMetric(runId, prefix + k, n.doubleValue(), 0);
      }
    });
  }
}
