package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code temporal server start-dev} for a test that restarts the server: the shared stack's
 * server must stay up for everyone else on the machine. Free ports, a persistent sqlite db in the
 * test's directory, so {@link #kill()} then {@link #start()} is a real crash and recovery.
 */
final class DevServer implements AutoCloseable {
  /** Start-up of the Go binary and its sqlite schema on a busy 2-core machine. */
  private static final Duration STARTUP = Duration.ofSeconds(90);

  private final String cli;
  private final Path dir;
  private final int port;
  private final int httpPort;
  private Process process;
  private WorkflowServiceStubs service;
  private WorkflowClient client;

  private DevServer(String cli, Path dir) throws IOException {
    this.cli = cli;
    this.dir = dir;
    this.port = freePort();
    this.httpPort = freePort();
  }

  /** Starts a server whose binary is the one infra/ installs (RLHF_TEMPORAL_CLI). */
  static DevServer start(Path dir) throws IOException, InterruptedException {
    String cli = System.getenv("RLHF_TEMPORAL_CLI");
    assertNotNull(cli, "RLHF_TEMPORAL_CLI (path of the temporal binary) is not set: run this through ./test.sh");
    Files.createDirectories(dir);
    DevServer s = new DevServer(cli, dir);
    s.start();
    return s;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** A client that lives across restarts: gRPC reconnects on its own. */
  WorkflowClient client() {
    if (client == null) {
      service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
      client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    }
    return client;
  }

  /** (Re)starts the server on the same port and db file and waits until it answers. */
  void start() throws IOException, InterruptedException {
    Path log = dir.resolve("temporal.log");
    process = new ProcessBuilder(List.of(cli, "server", "start-dev", "--db-filename",
        dir.resolve("temporal.db").toString(), "--ip", "127.0.0.1", "--port", String.valueOf(port),
        "--http-port", String.valueOf(httpPort), "--headless", "--log-level", "warn",
        "--search-attribute", "RlhfExperiment=Keyword", "--search-attribute", "RlhfStage=Keyword"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("temporal exited with " + process.exitValue() + ":\n"
              + Files.readString(log, StandardCharsets.UTF_8));
        }
        try {
          stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
          return;
        } catch (RuntimeException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("temporal did not answer within " + STARTUP, notYet);
          }
          Thread.sleep(250);
        }
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  /** SIGKILL: no graceful shutdown, whatever was not yet in the db is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (service != null) {
      service.shutdownNow();
    }
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
