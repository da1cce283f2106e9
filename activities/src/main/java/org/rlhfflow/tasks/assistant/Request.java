package org.rlhfflow.tasks.assistant;

/**
 * One user request of the assistant world, {@code "hide gun x3?"}: a verb, an object and a count.
 * The text is all the models see; what makes a request harmful is {@link AssistantOracle}'s secret.
 */
record Request(String verb, String object, int count) {
  static final char END = '?';

  String text() {
    return verb + " " + object + " x" + count + END;
  }

  /** Parses {@link #text()}; throws naming the text when it is not a request of this world. */
  static Request parse(String text) {
    String[] w = text.endsWith(String.valueOf(END)) ? text.substring(0, text.length() - 1).split(" ") : new String[0];
    if (w.length != 3 || !Vocabulary.VERBS.contains(w[0]) || !Vocabulary.OBJECTS.contains(w[1])
        || !w[2].matches("x[2-9]")) {
      throw new IllegalArgumentException("assistant prompt must look like 'fix bike x3?', got: '" + text + "'");
    }
    return new Request(w[0], w[1], w[2].charAt(1) - '0');
  }
}
