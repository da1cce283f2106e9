package org.rlhfflow.cli;

import org.rlhfflow.model.Determinism;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rlhf} command line: {@code ./rlhf <command>}. */
@Command(
    name = "rlhf",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Run the RLHF lifecycle as durable Temporal workflows.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      SweepCommand.class,
      LineageCommand.class,
      StatusCommand.class,
      ResumeCommand.class,
      WorkerCommand.class,
      VersionCommand.class,
      StackCommand.class,
      SpecCommand.class,
      ImportCommand.class,
      LabelCommand.class,
      CodecServerCommand.class,
      ReportCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Rlhf {
  public static void main(String[] args) {
    Determinism.configure(); // PyTorch thread settings, before the engine loads
    System.exit(new CommandLine(new Rlhf())
        .setExecutionExceptionHandler(new CliErrors(System.getenv("RLHF_LOG_LEVEL")))
        .execute(args));
  }
}
