package org.rlhfflow.data;

/** A pair's three texts before labels, margins and provenance are attached. */
record PairTexts(String prompt, String first, String second) {
  PairTexts swapped() {
    return new PairTexts(prompt, second, first);
  }
}
