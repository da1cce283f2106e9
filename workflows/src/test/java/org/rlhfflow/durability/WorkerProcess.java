package org.rlhfflow.durability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code rlhf worker} as a separate OS process, so that {@link #kill()} is a real SIGKILL: no
 * shutdown hook runs, no heartbeat says goodbye, the server only notices the heartbeat timeout.
 */
final class WorkerProcess implements AutoCloseable {
  /** JVM start, DJL engine load and the first poll; generous for a machine shared by many builds. */
  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a worker polling {@code queue} with the test JVM's classpath and the flags surefire
   * gives the tests, and waits for its "polling" line.
   *
   * @param extraEnv added to the RLHF_* environment, e.g. a fault to inject
   */
  static WorkerProcess start(Path home, String queue, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    Files.createDirectories(home);
    Path log = home.resolve("worker.log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Xmx2g",
        "-cp", System.getProperty("java.class.path"),
        "org.rlhfflow.cli.Rlhf", "worker", "-q", queue, "--shutdown-grace", "5"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("RLHF_HOME", home.toString());
    builder.environment().put("RLHF_TASK_QUEUES", queue);
    builder.environment().remove("RLHF_INJECT_FAULT");
    builder.environment().putAll(extraEnv);
    WorkerProcess worker = new WorkerProcess(builder.start(), log);
    worker.awaitPolling();
    return worker;
  }

  private void awaitPolling() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains("rlhf worker: polling")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("worker exited with " + process.exitValue() + ":\n" + output());
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IllegalStateException("worker did not start polling within " + STARTUP + ":\n" + output());
  }

  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
