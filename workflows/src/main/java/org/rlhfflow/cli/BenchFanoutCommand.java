package org.rlhfflow.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rlhf bench judge-fanout}: the AI collect's labelling wall time with 1 and with N workers
 * on a real Temporal server. It starts its own {@code rlhf worker} processes on a queue of its own,
 * runs the spec once per worker count with {@code collect} forced, and reads the stage's
 * {@code collect/ai/label_wall_s} (workflow time from the first shard scheduled to the last done).
 */
@Command(name = "judge-fanout", mixinStandardHelpOptions = true,
    description = "AI-feedback labelling wall time with 1 and with N workers (needs a Temporal server, "
        + "MinIO and MLflow: source the stack's env.sh).")
public final class BenchFanoutCommand implements Callable<Integer> {
  @Option(names = "--spec", description = "Spec with preferences.source: ai (default: ${DEFAULT-VALUE}).")
  Path specFile = Path.of("experiments/judge-fanout.yaml");

  @Option(names = "--workers", split = ",", description = "Worker counts, run in this order (default: 1,2,1,2).")
  List<Integer> workers = List.of(1, 2, 1, 2);

  @Option(names = "--task-queue", description = "Queue of the workflow and every stage (default: judge-fanout-<pid>).")
  String queue = "judge-fanout-" + ProcessHandle.current().pid();

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  /** One measured labelling. */
  record Row(int workers, double labelSeconds, double workerSeconds, double comparisons, String loadBefore,
      String loadAfter) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String yaml = Files.readString(specFile) + "\nresources:\n  task_queue: " + queue + "\n";
    ExperimentSpec parsed = SpecLoader.parse(yaml, specFile.toString()); // a resources: section already there fails here
    if (parsed.preferences().source() != org.rlhfflow.activities.collect.PreferenceSpec.Source.AI) {
      spec.commandLine().getErr().println("rlhf bench judge-fanout: " + specFile + ": preferences.source must be ai");
      return 2;
    }
    WorkflowClient client = temporal.connect();
    Path logs = Files.createTempDirectory("judge-fanout-");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      int n = workers.get(i);
      List<Process> procs = startWorkers(n, logs.resolve("run" + i));
      try {
        String before = loadAverage();
        WorkflowStub stub = PipelineConsole.start(client, parsed.name() + "-fanout-" + queue + "-" + i, queue,
            new PipelineInput(specFile.toString(), yaml, null, List.of(CollectStage.NAME)));
        StageResult collect = stub.getResult(PipelineResult.class).stages().get(CollectStage.NAME);
        Map<String, Double> m = collect.metrics();
        rows.add(new Row(n, m.get("collect/ai/label_wall_s"), m.get("collect/ai/judge_worker_s"),
            m.get("collect/ai/comparisons"), before, loadAverage()));
        out.printf(Locale.ROOT, "run %d: %d worker(s), labelling %.1f s%n", i + 1, n, rows.get(i).labelSeconds());
        out.flush();
      } finally {
        stop(procs);
      }
    }
    print(out, rows, parsed.preferences().ai().shards());
    return 0;
  }

  /** {@code n} workers of this checkout, one PyTorch thread each (RLHF_THREADS as set, default 1). */
  private List<Process> startWorkers(int n, Path logDir) throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    String launcher = Path.of(System.getProperty("rlhf.repo.root", "."), "rlhf").toString();
    List<Process> procs = new ArrayList<>();
    for (int w = 0; w < n; w++) {
      Path log = logDir.resolve("worker-" + w + ".log");
      procs.add(new ProcessBuilder(launcher, "worker", "-q", queue).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start());
    }
    for (int w = 0; w < n; w++) { // wait until each polls: a late worker would take no shard
      Path log = logDir.resolve("worker-" + w + ".log");
      for (int t = 0; t < 600 && !Files.readString(log).contains("polling"); t++) {
        if (!procs.get(w).isAlive()) {
          throw new IllegalStateException("worker " + w + " exited: see " + log);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
    return procs;
  }

  private static void stop(List<Process> procs) throws InterruptedException {
    procs.forEach(Process::destroy); // SIGTERM: the worker's shutdown hook drains it
    for (Process p : procs) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static void print(PrintWriter out, List<Row> rows, int shards) {
    out.printf("%n%-8s %-8s %-12s %-14s %-14s %-12s%n", "workers", "shards", "label wall s", "comparisons/s",
        "worker-s", "load 1m");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "%-8d %-8d %-12.1f %-14.1f %-14.1f %s -> %s%n", r.workers(), shards, r.labelSeconds(),
          r.comparisons() / r.labelSeconds(), r.workerSeconds(), r.loadBefore(), r.loadAfter());
    }
    double one = mean(rows, 1);
    for (int n : rows.stream().map(Row::workers).distinct().filter(n -> n != 1).toList()) {
      out.printf(Locale.ROOT, "labelling wall time, %d workers / 1 worker: %.2f (mean of %d and %d runs)%n", n,
          mean(rows, n) / one, count(rows, n), count(rows, 1));
    }
    out.flush();
  }

  private static double mean(List<Row> rows, int workers) {
    return rows.stream().filter(r -> r.workers() == workers).mapToDouble(Row::labelSeconds).average().orElse(Double.NaN);
  }

  private static long count(List<Row> rows, int workers) {
    return rows.stream().filter(r -> r.workers() == workers).count();
  }
}
