package org.rlhfflow.cli;

import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlhf resume ID}: starts a new run of a failed (or any) pipeline with the same input. Stages
 * that completed are found by their cache keys and reused; work resumes at the first stage that did
 * not complete.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Re-run a pipeline with its original input, reusing every stage that completed.")
public final class ResumeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "WORKFLOW_ID") String workflowId;

  @Option(names = "--force", split = ",", paramLabel = "STAGE", description = "Recompute these stages anyway.")
  List<String> force;

  @Option(names = "--spec", paramLabel = "FILE",
      description = "Use this (fixed) spec file instead of the original input's spec text.")
  java.nio.file.Path specFile;

  @Option(names = "--wait", description = "Wait for the result and print the summary.")
  boolean await;

  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    WorkflowClient client = temporal.connect();
    PipelineInput original = originalInput(client, workflowId);
    String yaml = specFile != null ? java.nio.file.Files.readString(specFile) : original.specYaml();
    String path = specFile != null ? specFile.toString() : original.specPath();
    PipelineInput input = new PipelineInput(path, yaml, original.seed(), force != null ? force : List.of());
    String id = workflowId.replaceAll("-resume-\\d+$", "") + "-resume-" + System.currentTimeMillis() / 1000;
    // The original's workflow task queue: its workers are the ones polling for this pipeline.
    WorkflowStub stub = PipelineConsole.start(client, id, originalTaskQueue(client, workflowId), input);
    out.println("resumed:  " + workflowId + " -> " + id);
    out.println("temporal: " + temporal.uiLink(id));
    out.flush();
    return await ? PipelineConsole.awaitSummary(client, stub, out, spec.commandLine().getErr(), "resume") : 0;
  }

  /** The workflow task queue the original run was started on, from its first history event. */
  static String originalTaskQueue(WorkflowClient client, String workflowId) {
    HistoryEvent first = client.fetchHistory(workflowId).getEvents().get(0);
    String queue = first.getWorkflowExecutionStartedEventAttributes().getTaskQueue().getName();
    return queue.isEmpty() ? RlhfConfig.CPU_QUEUE : queue;
  }

  /** The input the workflow was started with, from the first event of its history. */
  static PipelineInput originalInput(WorkflowClient client, String workflowId) {
    HistoryEvent first = client.fetchHistory(workflowId).getEvents().get(0);
    Payloads payloads = first.getWorkflowExecutionStartedEventAttributes().getInput();
    return client.getOptions().getDataConverter().fromPayloads(
        0, Optional.of(payloads), PipelineInput.class, PipelineInput.class);
  }
}
