package org.rlhfflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.config.RlhfConfig;
import picocli.CommandLine;

class WorkerCommandTest {
  private static final String ACCESS = "AKIA-access-key-do-not-log";
  private static final String SECRET = "s3cr3t-value-do-not-log";
  private static final Map<String, String> ENV = Map.of(
      "RLHF_TEMPORAL_ADDRESS", "temporal.example:7233",
      "RLHF_S3_ENDPOINT", "http://minio.example:9000",
      "RLHF_S3_ACCESS_KEY", ACCESS,
      "RLHF_S3_SECRET_KEY", SECRET,
      "RLHF_TASK_QUEUES", "rlhf-cpu");

  private static WorkerCommand parse(String... args) {
    WorkerCommand command = new WorkerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void environmentIsUsedWhenNoFlagsAreGiven() {
    RlhfConfig config = parse().resolve(ENV);
    assertEquals("temporal.example:7233", config.temporalAddress());
    assertEquals("default", config.namespace());
    assertEquals(List.of("rlhf-cpu"), config.taskQueues());
    assertEquals(SECRET, config.s3SecretKey());
  }

  @Test
  void flagsOverrideTheEnvironment() {
    RlhfConfig config =
        parse("--temporal", "10.0.0.5:7233", "--namespace", "research", "-q", "rlhf-gpu,rlhf-cpu", "-q", "extra")
            .resolve(ENV);
    assertEquals("10.0.0.5:7233", config.temporalAddress());
    assertEquals("research", config.namespace());
    assertEquals(List.of("rlhf-gpu", "rlhf-cpu", "extra"), config.taskQueues());
  }

  @Test
  void configAndBannerMaskTheS3Keys() {
    RlhfConfig config = parse().resolve(ENV);
    String banner = WorkerCommand.banner(config, 30);
    for (String printed : List.of(config.toString(), banner)) {
      assertFalse(printed.contains(ACCESS), printed);
      assertFalse(printed.contains(SECRET), printed);
      assertTrue(printed.contains("s3SecretKey=***"), printed);
    }
    assertTrue(banner.contains("temporal.example:7233"), banner);
    assertTrue(banner.contains("taskQueues=[rlhf-cpu]"), banner);
  }

  @Test
  void withoutATemporalAddressTheWorkerRefusesToStart() {
    WorkerCommand command = new WorkerCommand();
    command.env = Map.of();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute());
    assertTrue(err.toString().contains("RLHF_TEMPORAL_ADDRESS"), err.toString());
  }
}
