package org.rlhfflow.label;

/** A request the app turns down: the status and a one-line message naming the problem. */
final class HttpProblem extends RuntimeException {
  final int status;

  HttpProblem(int status, String message) {
    super(message);
    this.status = status;
  }
}
