package org.rlhfflow.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import org.rlhfflow.data.DatasetException;
import org.rlhfflow.spec.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command as one line. User errors (bad input, no server, unknown workflow) exit
 * {@value #USER_ERROR}, anything else {@value #INTERNAL_ERROR}; the stack trace only appears at
 * {@code RLHF_LOG_LEVEL=DEBUG}.
 */
final class CliErrors implements IExecutionExceptionHandler {
  static final int USER_ERROR = 2;
  static final int INTERNAL_ERROR = 1;

  /** A mistake the user can fix, with the message that says how. */
  static final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserError(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final boolean debug;

  CliErrors(String logLevel) {
    this.debug = logLevel != null && (logLevel.equalsIgnoreCase("DEBUG") || logLevel.equalsIgnoreCase("TRACE"));
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    String user = userMessage(e);
    String prefix = "rlhf " + cmd.getCommandName() + ": ";
    if (user != null) {
      err.println(prefix + user);
    } else {
      err.println(prefix + "internal error: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage())
          + (debug ? "" : " (RLHF_LOG_LEVEL=DEBUG prints the stack trace)"));
    }
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return user != null ? USER_ERROR : INTERNAL_ERROR;
  }

  /** The one line for a user error, or null for an internal one. */
  static String userMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError || t instanceof IllegalArgumentException || t instanceof DatasetException
          || t instanceof SpecException) {
        return firstLine(t.getMessage());
      }
      if (t instanceof WorkflowNotFoundException w) {
        return "no such workflow: " + w.getExecution().getWorkflowId();
      }
      if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return "not found: " + firstLine(s.getStatus().getDescription());
      }
    }
    return null;
  }

  /** True when {@code e} says no server answered, as gRPC reports a refused or timed-out connection. */
  static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    String line = (nl < 0 ? message : message.substring(0, nl)).strip();
    return line.isEmpty() ? "(no message)" : line;
  }
}
