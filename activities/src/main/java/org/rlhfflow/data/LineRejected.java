package org.rlhfflow.data;

/** Why a row was not imported. Malformed rows obey --on-bad-line; filtered rows are always skipped. */
final class LineRejected extends Exception {
  private static final long serialVersionUID = 1L;

  final String reason;
  final boolean malformed;

  private LineRejected(String reason, String detail, boolean malformed) {
    super(detail, null, false, false); // control flow: no stack trace
    this.reason = reason;
    this.malformed = malformed;
  }

  static LineRejected malformed(String reason, String detail) {
    return new LineRejected(reason, detail, true);
  }

  static LineRejected filtered(String reason, String detail) {
    return new LineRejected(reason, detail, false);
  }
}
