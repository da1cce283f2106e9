package org.rlhfflow.spec;

/**
 * An invalid experiment spec. The message always says where: {@code file:line:column: key.path:
 * problem}. It is a validation error, so the workflow layer reports it as non-retryable.
 */
public final class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
  private final String keyPath;
  private final String problem;

  /**
   * @param file the spec file as given to the loader
   * @param line 1-based line, or 0 when unknown
   * @param column 1-based column, or 0 when unknown
   * @param keyPath dotted snake_case key path, e.g. {@code ppo.kl_coef}; empty for the document
   * @param problem what is wrong and what was expected
   */
  public SpecException(String file, int line, int column, String keyPath, String problem) {
    super(format(file, line, column, keyPath, problem));
    this.file = file;
    this.line = line;
    this.column = column;
    this.keyPath = keyPath;
    this.problem = problem;
  }

  private static String format(String file, int line, int column, String keyPath, String problem) {
    String where = line > 0 ? file + ":" + line + ":" + column : file;
    return where + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + problem;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public String keyPath() {
    return keyPath;
  }

  public String problem() {
    return problem;
  }
}
