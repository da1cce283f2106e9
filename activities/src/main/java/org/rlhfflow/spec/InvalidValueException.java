package org.rlhfflow.spec;

import java.util.List;

/**
 * Thrown by a section record's constructor when values conflict (e.g. a minibatch that does not
 * divide the batch). {@link SpecLoader} turns it into a {@link SpecException} located at {@code
 * key}, so cross-field rules still point at a file line.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final List<String> related;
  private final String problem;

  /**
   * @param key snake_case key within the section (or a dotted path from the spec root, for
   *     rules that span sections)
   * @param problem what conflicts, naming the values involved
   * @param related other keys involved: the error points at the first one the file sets when it
   *     does not set {@code key}
   */
  public InvalidValueException(String key, String problem, String... related) {
    super(key + ": " + problem);
    this.key = key;
    this.problem = problem;
    this.related = List.of(related);
  }

  public String key() {
    return key;
  }

  public List<String> related() {
    return related;
  }

  public String problem() {
    return problem;
  }

  /** Throws unless {@code ok}: a one-line guard for compact constructors. */
  public static void require(boolean ok, String key, String problem, String... related) {
    if (!ok) {
      throw new InvalidValueException(key, problem, related);
    }
  }
}
