package org.rlhfflow.cli;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.workflows.RlhfPipelineWorkflow;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineInput;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.PipelineResult;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.Progress;

/** Starting a pipeline, showing its progress and printing its summary: shared by demo and run. */
final class PipelineConsole {
  private PipelineConsole() {}

  static WorkflowStub start(WorkflowClient client, String workflowId, String taskQueue, PipelineInput input) {
    WorkflowStub stub = client.newUntypedWorkflowStub("RlhfPipeline",
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(taskQueue).build());
    stub.start(input);
    return stub;
  }

  /** Waits for the pipeline, redrawing a progress bar (or printing stage changes without a TTY). */
  static PipelineResult watch(WorkflowClient client, WorkflowStub stub, PrintWriter out)
      throws InterruptedException, ExecutionException {
    CompletableFuture<PipelineResult> result = stub.getResultAsync(PipelineResult.class);
    boolean tty = System.console() != null;
    long start = System.nanoTime();
    StepEta eta = new StepEta();
    String lastLine = "";
    while (true) {
      try {
        PipelineResult r = result.get(1, TimeUnit.SECONDS);
        if (tty) {
          out.println();
        }
        return r;
      } catch (TimeoutException e) {
        String line = progressLine(client, stub, (System.nanoTime() - start) / 1_000_000_000L, eta);
        if (tty) {
          out.print("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
          out.flush();
        } else if (!stageOf(line).equals(stageOf(lastLine))) {
          out.println(line);
          out.flush();
        }
        lastLine = line;
      }
    }
  }

  private static String stageOf(String line) {
    int i = line.indexOf(']');
    return line.isEmpty() ? "" : line.substring(i + 1).trim().split(" ")[1];
  }

  static String progressLine(WorkflowClient client, WorkflowStub stub, long elapsedSeconds, StepEta eta) {
    Progress p;
    try {
      p = stub.query("progress", Progress.class);
    } catch (RuntimeException e) {
      p = new Progress("", "starting", java.util.List.of(), java.util.List.of(), java.util.List.of());
    }
    int total = Math.max(1, p.planned().size());
    int done = p.completed().size();
    int width = 20;
    int filled = width * done / total;
    String stage = p.stage();
    String step = currentStep(client, stub.getExecution())
        .map(s -> " " + eta.describe(stage, s.step(), s.total(), System.nanoTime())).orElse("");
    return String.format("[%s%s] %d/%d %s%s  %02d:%02d", "#".repeat(filled), "-".repeat(width - filled), done,
        total, p.stage(), step, elapsedSeconds / 60, elapsedSeconds % 60);
  }

  /** The running stage's step and step count, read from its last heartbeat. */
  static Optional<StageRun.Progress> currentStep(WorkflowClient client, WorkflowExecution execution) {
    try {
      var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace()).setExecution(execution).build());
      for (PendingActivityInfo a : response.getPendingActivitiesList()) {
        if (a.hasHeartbeatDetails()) {
          StageRun.Progress progress = client.getOptions().getDataConverter().fromPayloads(
              0, Optional.of(a.getHeartbeatDetails()), StageRun.Progress.class, StageRun.Progress.class);
          return Optional.of(progress);
        }
      }
    } catch (RuntimeException e) {
      // progress display only: a server without describe support shows stages alone
    }
    return Optional.empty();
  }

  /**
   * Waits for the pipeline and prints its summary (exit code 0), or prints the failure with how to
   * resume it (exit code 1).
   */
  static int awaitSummary(WorkflowClient client, WorkflowStub stub, PrintWriter out, PrintWriter err,
      String command) throws InterruptedException {
    try {
      PipelineResult result = watch(client, stub, out);
      printSummary(out, result.summary());
      return 0;
    } catch (ExecutionException e) {
      String id = stub.getExecution().getWorkflowId();
      err.println("rlhf " + command + ": failed: " + rootMessage(e) + "\nresume with: ./rlhf resume " + id);
      err.flush();
      return 1;
    }
  }

  /** The summary as a two-column table. */
  static void printSummary(PrintWriter out, Map<String, Object> summary) {
    out.println();
    out.printf("%-24s %s%n", "summary", "value");
    out.println("-".repeat(56));
    summary.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m) {
        m.forEach((k2, v2) -> out.printf("%-24s %s%n", k + "." + k2, format(v2)));
      } else if (!"failure".equals(k)) {
        out.printf("%-24s %s%n", k, format(v));
      }
    });
    out.flush();
  }

  private static String format(Object v) {
    return v instanceof Double d ? String.format("%.4f", d) : String.valueOf(v);
  }

  /** The innermost failure message, which names the stage and the bad input. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  static Duration sinceNanos(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  static RlhfPipelineWorkflow typed(WorkflowClient client, String workflowId) {
    return client.newWorkflowStub(RlhfPipelineWorkflow.class, workflowId);
  }
}
