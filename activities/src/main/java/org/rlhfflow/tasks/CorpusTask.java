package org.rlhfflow.tasks;

import java.util.List;

/**
 * A task that can teach a base model its language: it generates a pretraining corpus, as a
 * stand-in for the web text a real base model has read.
 */
public interface CorpusTask {
  /** {@code documents} texts, each one training sequence, depending only on (documents, seed). */
  List<String> corpus(int documents, long seed);

  /**
   * As {@link #corpus(int, long)}, with a share {@code revisions} of critique-and-revision
   * documents for Constitutional AI; 0 gives exactly {@link #corpus(int, long)}.
   */
  default List<String> corpus(int documents, long seed, double revisions) {
    if (revisions != 0) {
      throw new IllegalArgumentException("this task's corpus has no revision documents");
    }
    return corpus(documents, seed);
  }
}
