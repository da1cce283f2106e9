package org.rlhfflow.durability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * An MLflow server of the test's own, from the venv {@code infra/} installs, on a free port with
 * its own backend store and artifact root: the shared stack's MLflow serves other tests and must
 * stay up. {@link #kill()} and {@link #start()} stop and restart it on the same port and store.
 */
final class PrivateMlflow implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofMinutes(3);

  private final Path mlflow;
  private final Path dir;
  private final int port;
  private Process process;

  PrivateMlflow(Path dir) throws IOException {
    this.mlflow = binary();
    this.dir = Files.createDirectories(dir);
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
  }

  /** RLHF_MLFLOW_BIN, else the newest venv under infra's cache ({@code RLHF_CACHE_DIR}, ~/.cache/rlhf-flow). */
  private static Path binary() throws IOException {
    String set = System.getenv("RLHF_MLFLOW_BIN");
    if (set != null) {
      return Path.of(set);
    }
    String cache = System.getenv("RLHF_CACHE_DIR");
    Path root = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "rlhf-flow");
    try (Stream<Path> versions = Files.list(root.resolve("mlflow"))) {
      return versions.map(v -> v.resolve("venv/bin/mlflow")).filter(Files::isExecutable).sorted()
          .reduce((a, b) -> b)
          .orElseThrow(() -> new IOException("no MLflow venv under " + root.resolve("mlflow") + ": run infra/stack.sh up"));
    }
  }

  String uri() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts the server (in a session of its own, so its gunicorn workers die with it) and waits until healthy. */
  void start() throws IOException, InterruptedException {
    List<String> command = List.of("setsid", mlflow.toString(), "server", "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--workers", "1",
        "--backend-store-uri", "sqlite:///" + dir.resolve("mlflow.db").toAbsolutePath(),
        "--artifacts-destination", dir.resolve("artifacts").toAbsolutePath().toString());
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mlflow.log").toFile())).start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mlflow server exited: " + Files.readString(dir.resolve("mlflow.log")));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(uri() + "/health"))
            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("mlflow server not healthy within " + STARTUP + ": "
        + Files.readString(dir.resolve("mlflow.log")));
  }

  /** SIGKILL to the server's process group (setsid made its pid the group id), then waits for it. */
  void kill() throws IOException, InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid()).inheritIO().start().waitFor();
    process.waitFor();
    process = null;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    kill();
  }
}
