package org.rlhfflow.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.worker.WorkerHost;
import org.rlhfflow.worker.WorkerSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rlhf worker}: polls the configured task queues of a Temporal server until SIGTERM. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Start a Temporal worker on the configured task queues.",
      "Configuration comes from RLHF_* environment variables; the options below override them.",
    })
public final class WorkerCommand implements Callable<Integer> {

  @Option(names = "--temporal", paramLabel = "HOST:PORT",
      description = "Temporal frontend address (env RLHF_TEMPORAL_ADDRESS).")
  String temporal;

  @Option(names = "--namespace", description = "Temporal namespace (env RLHF_NAMESPACE, default 'default').")
  String namespace;

  @Option(names = {"-q", "--task-queue"}, split = ",", paramLabel = "QUEUE",
      description = "Task queues to poll, repeatable or comma-separated (env RLHF_TASK_QUEUES, default rlhf-cpu).")
  List<String> taskQueues;

  @Option(names = "--shutdown-grace", defaultValue = "30", paramLabel = "SECONDS",
      description = "On SIGTERM, how long running tasks may take to finish (default: ${DEFAULT-VALUE}).")
  int shutdownGraceSeconds;

  @Spec CommandSpec spec;

  /** Where RLHF_* settings come from; a field so tests can supply their own. */
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RlhfConfig config = resolve(env);
    if (config.temporalAddress() == null) {
      err.println("rlhf worker: no Temporal server configured: set RLHF_TEMPORAL_ADDRESS or pass --temporal "
          + "(for the local stack: eval \"$(infra/stack.sh env)\")");
      return 2;
    }
    out.println(banner(config, shutdownGraceSeconds));
    out.flush();
    WorkerHost host;
    try {
      host = WorkerHost.start(config, WorkerSetup::register, Duration.ofSeconds(shutdownGraceSeconds));
    } catch (IllegalStateException e) {
      err.println("rlhf worker: " + e.getMessage());
      return 1;
    }
    // SIGTERM/Ctrl-C run the hook: stop polling, let tasks finish, then the JVM exits.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("rlhf worker: shutting down (grace " + shutdownGraceSeconds + "s)");
      out.flush();
      host.close();
      out.println("rlhf worker: stopped");
      out.flush();
    }, "rlhf-worker-shutdown"));
    out.println("rlhf worker: polling " + config.taskQueues() + "; stop with Ctrl-C or SIGTERM");
    out.flush();
    host.awaitClosed();
    return 0;
  }

  /** The environment's configuration with this command's options applied on top. */
  RlhfConfig resolve(Map<String, String> env) {
    RlhfConfig base = RlhfConfig.fromEnv(env);
    return new RlhfConfig(
        temporal != null ? temporal : base.temporalAddress(),
        namespace != null ? namespace : base.namespace(),
        base.s3Endpoint(),
        base.s3AccessKey(),
        base.s3SecretKey(),
        base.bucket(),
        base.mlflowUri(),
        taskQueues != null && !taskQueues.isEmpty() ? List.copyOf(taskQueues) : base.taskQueues(),
        base.home());
  }

  /** The startup line; built from {@link RlhfConfig#toString()}, which masks the S3 keys. */
  static String banner(RlhfConfig config, int shutdownGraceSeconds) {
    return "rlhf worker: " + config + ", shutdownGrace=" + shutdownGraceSeconds + "s";
  }
}
