package org.rlhfflow.data;

/** One binary-classification example: a text and its ground-truth label, 0 or 1. */
public record LabelledText(String text, int label) {
  public LabelledText {
    if (label != 0 && label != 1) {
      throw new IllegalArgumentException("label must be 0 or 1, got " + label);
    }
  }
}
