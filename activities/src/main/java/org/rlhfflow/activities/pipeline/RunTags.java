package org.rlhfflow.activities.pipeline;

import ai.djl.engine.Engine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.model.Reproducibility;

/** Tags that make a pipeline run traceable: code, spec, engine, host, CPU, threads, reproducible mode and Temporal ids. */
final class RunTags {
  /** Set by the ./rlhf launcher and the worker image from {@code git rev-parse HEAD}. */
  static final String GIT_COMMIT_PROPERTY = "rlhf.git.commit";

  private RunTags() {}

  static Map<String, String> pipeline(String workflowId, String runId, String specSha256) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("rlhf.workflow_id", workflowId);
    tags.put("rlhf.run_id", runId);
    tags.put("rlhf.spec_sha256", specSha256);
    tags.put("rlhf.code_version", StageRun.CODE_VERSION);
    tags.put("mlflow.source.git.commit", System.getProperty(GIT_COMMIT_PROPERTY, "unknown"));
    tags.put("rlhf.djl_version", Engine.getDjlVersion());
    Engine engine = Engine.getInstance();
    tags.put("rlhf.engine", engine.getEngineName() + " " + engine.getVersion());
    tags.put("rlhf.host", host());
    // rlhf.reproducible, rlhf.cpu_model, rlhf.threads: what decides whether two runs can be bit-identical.
    tags.putAll(Reproducibility.tags());
    return tags;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
