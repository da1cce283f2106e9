package org.rlhfflow.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.WeakToStrongWorkflow.W2sInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rlhf run SPEC}: submits a pipeline to the configured Temporal and prints where to watch it. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Submit an experiment to Temporal (workers must be running: ./rlhf worker).")
public final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment YAML, e.g. experiments/demo.yaml.")
  Path specFile;

  @Option(names = "--seed", paramLabel = "N", description = "Override the spec's seed.")
  Long seed;

  @Option(names = "--force", split = ",", paramLabel = "STAGE", description = "Recompute these stages (or all).")
  List<String> force = List.of();

  @Option(names = "--id", paramLabel = "WORKFLOW_ID", description = "Workflow id (default: <name>-<timestamp>).")
  String workflowId;

  @Option(names = "--task-queue", defaultValue = RlhfConfig.CPU_QUEUE,
      description = "Queue of the workflow itself (default: ${DEFAULT-VALUE}); stages use the spec's resources.")
  String taskQueue;

  @Option(names = "--wait", description = "Wait for the result and print the summary.")
  boolean await;

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExperimentSpec parsed;
    String yaml;
    try {
      yaml = Files.readString(specFile);
      parsed = SpecLoader.parse(yaml, specFile.toString()); // fail here, before anything is submitted
    } catch (SpecException | java.io.IOException e) {
      err.println("rlhf run: " + (e instanceof java.io.IOException ? "cannot read " + specFile + ": " : "")
          + e.getMessage());
      return 2;
    }
    String id = workflowId != null ? workflowId
        : parsed.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    WorkflowClient client = temporal.connect();
    boolean w2s = parsed.runsWeakToStrong();
    WorkflowStub stub = w2s
        ? W2sConsole.start(client, id, taskQueue, new W2sInput(specFile.toString(), yaml, seed, force))
        : PipelineConsole.start(client, id, taskQueue, new PipelineInput(specFile.toString(), yaml, seed, force));
    out.println("workflow: " + id);
    out.println("temporal: " + temporal.uiLink(id));
    out.println("mlflow:   " + temporal.mlflowLink());
    out.println("status:   ./rlhf status " + id);
    out.flush();
    if (await && w2s) {
      try {
        W2sConsole.printSummary(out, W2sConsole.watch(stub, out).summary());
        return 0;
      } catch (java.util.concurrent.ExecutionException e) {
        err.println("rlhf run: failed: " + PipelineConsole.rootMessage(e));
        return 1;
      }
    }
    return await ? PipelineConsole.awaitSummary(client, stub, out, spec.commandLine().getErr(), "run") : 0;
  }
}
