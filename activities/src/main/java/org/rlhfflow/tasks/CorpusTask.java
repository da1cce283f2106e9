package org.rlhfflow.tasks;

import java.util.List;

/**
 * A task that can teach a base model its language: it generates a pretraining corpus, as a
 * stand-in for the web text a real base model has read.
 */
public interface CorpusTask {
  /** {@code documents} texts, each one training sequence, depending only on (documents, seed). */
  List<String> corpus(int documents, long seed);
}
