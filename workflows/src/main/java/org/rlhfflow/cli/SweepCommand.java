package org.rlhfflow.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.sweep.SweepGrid;
import org.rlhfflow.activities.sweep.SweepPoint;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;
import org.rlhfflow.worker.EmbeddedTemporal;
import org.rlhfflow.workflows.RlhfSweepWorkflow;
import org.rlhfflow.workflows.RlhfSweepWorkflow.SweepInput;
import org.rlhfflow.workflows.RlhfSweepWorkflow.SweepProgress;
import org.rlhfflow.workflows.RlhfSweepWorkflow.SweepResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlhf sweep SPEC --grid KEY=V1,V2 ...}: one pipeline per grid point, as children of one
 * {@code RlhfSweep} workflow. With no Temporal configured (no RLHF_TEMPORAL_ADDRESS, no --temporal)
 * it runs embedded like {@code rlhf demo}, with artifacts and metrics under {@code --out}; with one,
 * it submits to that server and waits.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Run a grid of pipelines over a base spec and print one row of summary figures per point.")
public final class SweepCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "Base experiment YAML, e.g. experiments/demo.yaml.")
  Path specFile;

  @Option(names = "--grid", required = true, paramLabel = "KEY=V1,V2",
      description = "A spec key and its values; repeat for more axes (the grid is their product).")
  List<String> grid;

  @Option(names = "--parallel", defaultValue = "1", paramLabel = "N",
      description = "At most N points run at once, after the first (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--force", split = ",", paramLabel = "STAGE", description = "Recompute these stages (or all).")
  List<String> force = List.of();

  @Option(names = "--out", defaultValue = ".rlhf/sweep", paramLabel = "DIR",
      description = "Embedded only: artifacts and metrics go here (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--id", paramLabel = "SWEEP_ID", description = "Sweep workflow id (default: sweep-<name>-<timestamp>).")
  String sweepId;

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String yaml;
    List<SweepPoint> points;
    try {
      yaml = Files.readString(specFile);
      points = SweepGrid.expand(yaml, specFile.toString(), grid); // every point validated before anything starts
    } catch (IOException e) {
      err.println("rlhf sweep: cannot read " + specFile + ": " + e.getMessage());
      return 2;
    } catch (SpecException | IllegalArgumentException e) {
      err.println("rlhf sweep: " + e.getMessage());
      return 2;
    }
    if (parallel < 1) {
      err.println("rlhf sweep: --parallel " + parallel + ": must be at least 1");
      return 2;
    }
    String id = sweepId != null ? sweepId : "sweep-" + SpecLoader.parse(yaml, specFile.toString()).name() + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    SweepInput input = new SweepInput(yaml, specFile.toString(), grid, parallel, force);
    console.println("rlhf sweep: " + points.size() + " points of " + specFile + " (sweep " + id + ")");
    points.forEach(p -> console.println("  " + p.label()));
    console.flush();
    if (temporal.temporal == null && RlhfConfig.fromEnv(temporal.env).temporalAddress() == null) {
      Files.createDirectories(out);
      try (StageServices services = new StageServices(new LocalArtifactStore(out.resolve("artifacts")),
              new LocalTracker(out.resolve("metrics")), out.resolve("scratch"));
          EmbeddedTemporal embedded = new EmbeddedTemporal(services)) {
        console.println("embedded: artifacts and metrics in " + out.toAbsolutePath());
        return run(embedded.client(), id, input, console, err);
      }
    }
    WorkflowClient client = temporal.connect();
    console.println("temporal: " + temporal.uiLink(id));
    console.println("mlflow:   " + temporal.mlflowLink() + " (filter: tags.`rlhf.sweep_id` = '" + id + "')");
    return run(client, id, input, console, err);
  }

  private static int run(WorkflowClient client, String id, SweepInput input, PrintWriter console, PrintWriter err)
      throws InterruptedException {
    WorkflowStub stub = client.newUntypedWorkflowStub("RlhfSweep",
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(RlhfConfig.CPU_QUEUE).build());
    stub.start(input);
    CompletableFuture<SweepResult> result = stub.getResultAsync(SweepResult.class);
    RlhfSweepWorkflow typed = client.newWorkflowStub(RlhfSweepWorkflow.class, id);
    int shown = -1;
    long start = System.nanoTime();
    try {
      while (true) {
        try {
          SweepResult r = result.get(5, TimeUnit.SECONDS);
          console.println();
          SweepTable.print(console, r.points());
          console.printf("total: %.1f s%n", PipelineConsole.sinceNanos(start).toMillis() / 1000.0);
          console.flush();
          return r.points().stream().allMatch(p -> "FINISHED".equals(p.status())) ? 0 : 1;
        } catch (TimeoutException e) {
          SweepProgress p = typed.progress();
          if (p.finished() != shown) {
            shown = p.finished();
            console.printf("[%5.0fs] %d/%d points finished; running: %s%n",
                PipelineConsole.sinceNanos(start).toMillis() / 1000.0, p.finished(), p.points(), p.running());
            console.flush();
          }
        }
      }
    } catch (ExecutionException | WorkflowException e) {
      err.println("rlhf sweep: failed: " + PipelineConsole.rootMessage(e));
      return 1;
    }
  }
}
