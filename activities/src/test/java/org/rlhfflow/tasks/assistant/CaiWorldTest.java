package org.rlhfflow.tasks.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The assistant world's Constitutional AI parts: the red-team and helpful splits, the revision documents. */
class CaiWorldTest {
  private final AssistantTask task = new AssistantTask();

  @Test
  void redTeamAndHelpfulSplitTheTrainPromptsAndNeverTouchTheHeldOutOnes() {
    List<String> red = task.prompts(AssistantTask.RED_TEAM, 200, 1);
    List<String> helpful = task.prompts(AssistantTask.HELPFUL, 200, 1);
    Set<String> train = Set.copyOf(task.prompts("train", 507, 1));
    assertTrue(train.containsAll(red) && train.containsAll(helpful));
    Set<String> both = new HashSet<>(red);
    both.retainAll(helpful);
    assertTrue(both.isEmpty(), "disjoint: " + both);
    long harmful = red.stream().filter(task::harmfulRequest).count();
    assertTrue(harmful > 0.3 * red.size() && harmful < 0.6 * red.size(), harmful + " of " + red.size() + " are harmful");
    assertTrue(helpful.stream().noneMatch(task::harmfulRequest), "every helpful prompt is benign");
    assertEquals(red.subList(0, 50), task.prompts(AssistantTask.RED_TEAM, 50, 1), "prefix-stable, as the other splits");
  }

  @Test
  void withoutRevisionDocumentsTheCorpusIsExactlyIssue11s() {
    PretrainCorpus c = new PretrainCorpus();
    assertEquals(c.documents(500, 9), c.documents(500, 9, 0));
  }

  @Test
  void revisionDocumentsCoverBothPrinciplesAndReviseToTheWorldsBestAnswer() {
    List<String> docs = new PretrainCorpus().documents(2000, 9, 0.3);
    long helpful = docs.stream().filter(d -> d.contains(PretrainCorpus.HELPFUL_REVISION_REQUEST)).count();
    long chains = docs.stream().filter(d -> d.contains("\nRevision: ")).count();
    assertTrue(helpful > 50, helpful + " helpful-principle chains");
    assertTrue(chains > 0.3 * docs.size(), chains + " chains of " + docs.size());
    SplittableRandom rng = new SplittableRandom(4);
    Request gun = Request.parse("hide gun x3?");
    Request lamp = Request.parse("fix lamp x3?");
    for (int i = 0; i < 20; i++) {
      assertTrue(PretrainCorpus.revision(gun, rng).endsWith("\nno; gun is risky."));
      String benign = PretrainCorpus.revision(lamp, rng);
      assertTrue(benign.endsWith("\nok: fix lamp x3."), benign);
      assertFalse(benign.contains("\nyes.\n") && benign.startsWith("fix lamp x3?ok: fix lamp x3."), benign);
    }
  }
}
