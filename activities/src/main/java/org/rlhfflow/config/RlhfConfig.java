package org.rlhfflow.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the services are. Read from the environment ({@code RLHF_*}); CLI flags override it. With
 * nothing set, everything is embedded: in-process Temporal, a local artifact directory and local
 * metrics.
 *
 * @param temporalAddress host:port of the Temporal frontend; null means in-process
 * @param namespace Temporal namespace
 * @param s3Endpoint MinIO/S3 endpoint URL; null means the local artifact directory
 * @param s3AccessKey secret: never logged
 * @param s3SecretKey secret: never logged
 * @param bucket bucket for artifacts
 * @param mlflowUri MLflow tracking URI; null means local metrics files
 * @param taskQueues task queues this worker polls
 * @param home local directory for embedded artifacts, metrics and scratch
 */
public record RlhfConfig(
    String temporalAddress,
    String namespace,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String bucket,
    String mlflowUri,
    List<String> taskQueues,
    Path home) {

  public static final String CPU_QUEUE = "rlhf-cpu";
  public static final String GPU_QUEUE = "rlhf-gpu";

  public static RlhfConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static RlhfConfig fromEnv(Map<String, String> env) {
    return new RlhfConfig(
        blankToNull(env.get("RLHF_TEMPORAL_ADDRESS")),
        env.getOrDefault("RLHF_NAMESPACE", "default"),
        blankToNull(env.get("RLHF_S3_ENDPOINT")),
        env.getOrDefault("RLHF_S3_ACCESS_KEY", "rlhfdev"),
        env.getOrDefault("RLHF_S3_SECRET_KEY", "rlhfdev-secret"),
        env.getOrDefault("RLHF_BUCKET", "rlhf-artifacts"),
        blankToNull(env.get("RLHF_MLFLOW_URI")),
        List.of(env.getOrDefault("RLHF_TASK_QUEUES", CPU_QUEUE).split(",")),
        Path.of(env.getOrDefault("RLHF_HOME", ".rlhf")));
  }

  public boolean embeddedTemporal() {
    return temporalAddress == null;
  }

  /** Secrets are masked so the record can be logged. */
  @Override
  public String toString() {
    return "RlhfConfig[temporal="
        + (temporalAddress == null ? "in-process" : temporalAddress)
        + ", namespace=" + namespace
        + ", s3=" + (s3Endpoint == null ? "local:" + home.resolve("artifacts") : s3Endpoint)
        + ", bucket=" + bucket
        + ", mlflow=" + (mlflowUri == null ? "local:" + home.resolve("metrics") : mlflowUri)
        + ", taskQueues=" + taskQueues
        + ", s3AccessKey=***, s3SecretKey=***]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
