package org.rlhfflow.cli;

import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.rlhfflow.label.LabelStatus;
import org.rlhfflow.workflows.RlhfPipelineWorkflow.Progress;
import org.rlhfflow.workflows.human.FeedbackClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rlhf status ID}: the pipeline's Temporal status and its stages. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a pipeline's status and stages.")
public final class StatusCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "WORKFLOW_ID") String workflowId;
  @Mixin TemporalOptions temporal;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    WorkflowClient client = temporal.connect();
    var info = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace(temporal.namespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getWorkflowExecutionInfo();
    out.println("workflow:  " + workflowId + " (run " + info.getExecution().getRunId() + ")");
    out.println("status:    " + info.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""));
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    Progress p = stub.query("progress", Progress.class);
    out.println("stage:     " + p.stage());
    PipelineConsole.currentStep(client, info.getExecution()).ifPresent(
        s -> out.println("step:      " + s.step() + (s.total() > 0 ? " of " + s.total() : "")
            + (s.checkpoint() != null ? " (last checkpoint " + s.checkpoint().sha256().substring(0, 12) + ")" : "")));
    out.println("planned:   " + p.planned());
    out.println("completed: " + p.completed());
    out.println("reused:    " + p.reused());
    LabelStatus.print(out, new FeedbackClient(client), workflowId, System.currentTimeMillis());
    out.println("temporal:  " + temporal.uiLink(workflowId));
    out.flush();
    return 0;
  }
}
