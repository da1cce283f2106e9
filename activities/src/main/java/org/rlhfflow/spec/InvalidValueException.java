package org.rlhfflow.spec;

/**
 * Thrown by a section record's constructor when values conflict (e.g. a minibatch that does not
 * divide the batch). {@link SpecLoader} turns it into a {@link SpecException} located at {@code
 * key}, so cross-field rules still point at a file line.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * @param key snake_case key within the section (or a dotted path from the spec root, for
   *     rules that span sections)
   * @param message the problem, naming the values involved
   */
  public InvalidValueException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** Throws unless {@code ok}: a one-line guard for compact constructors. */
  static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new InvalidValueException(key, message);
    }
  }
}
