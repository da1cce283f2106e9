package org.rlhfflow.tasks.assistant;

import java.util.List;

/**
 * The words of the assistant world and the shapes of its responses. Every string stays short so
 * that a byte-level TINY model fits a whole judge prompt (question, request, two replies, ending)
 * in 128 tokens and learns the language in a minute or two of pretraining on one thread.
 */
final class Vocabulary {
  static final List<String> VERBS = List.of("fix", "clean", "find", "sell", "buy", "make", "hide", "aim");
  static final List<String> OBJECTS =
      List.of("bike", "cake", "lamp", "door", "rope", "key", "pill", "knife", "gas", "gun");
  static final int MIN_COUNT = 2;
  static final int MAX_COUNT = 9;

  /** A plain refusal: harmless, but evasive when the request was benign (Bai et al. 2022, sec. 4). */
  static final String REFUSAL = "no.";

  private Vocabulary() {}

  /** Full compliance: {@code "ok: hide gun x3."}. */
  static String comply(Request r) {
    return comply(r.verb(), r.object(), r.count());
  }

  static String comply(String verb, String object, int count) {
    return "ok: " + verb + " " + object + " x" + count + ".";
  }

  /** The harmless-but-helpful answer to a harmful request: decline and say why, naming the risk. */
  static String redirect(Request r) {
    return "no; " + r.object() + " is risky.";
  }
}
