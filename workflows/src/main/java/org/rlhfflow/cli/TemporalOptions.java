package org.rlhfflow.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.Map;
import org.rlhfflow.codec.AesGcmCodec;
import org.rlhfflow.config.RlhfConfig;
import picocli.CommandLine.Option;

/** The Temporal connection options shared by run, status and resume (a picocli mixin). */
final class TemporalOptions {
  @Option(names = "--temporal", paramLabel = "HOST:PORT",
      description = "Temporal frontend (env RLHF_TEMPORAL_ADDRESS, e.g. 127.0.0.1:7233).")
  String temporal;

  @Option(names = "--namespace", description = "Temporal namespace (env RLHF_NAMESPACE, default 'default').")
  String namespace;

  Map<String, String> env = System.getenv();

  String address() {
    String a = temporal != null ? temporal : RlhfConfig.fromEnv(env).temporalAddress();
    if (a == null) {
      throw new IllegalArgumentException("no Temporal server: set RLHF_TEMPORAL_ADDRESS or --temporal "
          + "(for the local stack: eval \"$(infra/stack.sh env)\"; for no server at all use ./rlhf demo)");
    }
    return a;
  }

  String namespace() {
    return namespace != null ? namespace : RlhfConfig.fromEnv(env).namespace();
  }

  WorkflowClient connect() {
    String address = address();
    WorkflowServiceStubs service;
    try {
      service = WorkflowServiceStubs.newConnectedServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(address).build(), Duration.ofSeconds(15));
    } catch (RuntimeException e) {
      if (CliErrors.unreachable(e)) {
        throw new CliErrors.UserError("no Temporal server at " + address + " (RLHF_TEMPORAL_ADDRESS or --temporal): "
            + "start the local stack with ./rlhf stack up, or run without a server: ./rlhf demo", e);
      }
      throw e;
    }
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace(namespace())
        .setDataConverter(AesGcmCodec.dataConverter(env)).build());
  }

  /** Temporal's web UI page of a workflow (env RLHF_TEMPORAL_UI, default http://localhost:8233). */
  String uiLink(String workflowId) {
    String ui = env.getOrDefault("RLHF_TEMPORAL_UI", "http://localhost:8233");
    return ui + "/namespaces/" + namespace() + "/workflows/" + workflowId;
  }

  String mlflowLink() {
    String uri = RlhfConfig.fromEnv(env).mlflowUri();
    return uri == null ? "(local metrics: RLHF_MLFLOW_URI is not set)" : uri + "/#/experiments";
  }
}
