package org.rlhfflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rlhf stack}: runs {@code infra/stack.sh}, streaming its output and returning its exit code. */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    description = "Install, start, stop or inspect the local Temporal + MinIO + MLflow stack (infra/stack.sh).")
public final class StackCommand implements Callable<Integer> {

  /** The actions infra/stack.sh understands. */
  enum Action { up, down, status, env, restart, install }

  @Parameters(index = "0", paramLabel = "ACTION", description = "One of: ${COMPLETION-CANDIDATES}.")
  Action action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE",
      description = "For restart: temporal, minio or mlflow.")
  String service;

  @Spec CommandSpec spec;

  /** The checkout whose infra/stack.sh runs; ./rlhf passes it as -Drlhf.repo.root. */
  Path repoRoot = Path.of(System.getProperty("rlhf.repo.root", ".")).toAbsolutePath().normalize();

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path script = repoRoot.resolve("infra").resolve("stack.sh");
    if (!Files.isExecutable(script)) {
      spec.commandLine().getErr().println("rlhf stack: " + script + " not found or not executable"
          + " (set -Drlhf.repo.root to the rlhf-flow checkout; ./rlhf does)");
      return 2;
    }
    List<String> command = new ArrayList<>(List.of(script.toString(), action.name()));
    if (service != null) {
      command.add(service);
    }
    // inheritIO: the script's progress appears as it happens, and `env` output can be eval'ed.
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
