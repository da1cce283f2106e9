package org.rlhfflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CliErrorsTest {
  @Command(name = "fails")
  static final class Fails implements Callable<Integer> {
    final RuntimeException error;

    Fails(RuntimeException error) {
      this.error = error;
    }

    @Override
    public Integer call() {
      throw error;
    }
  }

  private record Outcome(int code, String err) {}

  private static Outcome run(RuntimeException error, String logLevel) {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Fails(error)).setErr(new PrintWriter(err))
        .setExecutionExceptionHandler(new CliErrors(logLevel)).execute();
    return new Outcome(code, err.toString());
  }

  @Test
  void aUserErrorIsOneLineAndExitsTwo() {
    Outcome o = run(new CliErrors.UserError("no Temporal server at x:1", new StatusRuntimeException(Status.UNAVAILABLE)), "INFO");
    assertEquals(2, o.code());
    assertEquals("rlhf fails: no Temporal server at x:1" + System.lineSeparator(), o.err());
  }

  @Test
  void anInternalErrorIsOneLineExitsOneAndSaysHowToSeeTheTrace() {
    Outcome o = run(new IllegalStateException("boom\nsecond line"), null);
    assertEquals(1, o.code());
    assertEquals("rlhf fails: internal error: IllegalStateException: boom (RLHF_LOG_LEVEL=DEBUG prints the stack trace)"
        + System.lineSeparator(), o.err());
  }

  @Test
  void debugPrintsTheStackTrace() {
    Outcome o = run(new IllegalStateException("boom"), "DEBUG");
    assertEquals(1, o.code());
    assertTrue(o.err().contains("\tat org.rlhfflow.cli.CliErrorsTest.debugPrintsTheStackTrace"), o.err());
  }

  @Test
  void grpcUnavailableMeansNoServer() {
    assertTrue(CliErrors.unreachable(new RuntimeException(new StatusRuntimeException(Status.UNAVAILABLE))));
    assertTrue(!CliErrors.unreachable(new StatusRuntimeException(Status.PERMISSION_DENIED)));
  }
}
