package org.rlhfflow.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.AiSpec;

/** RL-CAI's critique judge and principle filter, on JudgeTest's untrained NANO model: mechanics, not quality. */
class CritiqueJudgeTest {
  static LanguageModel lm;

  @BeforeAll
  static void model() {
    Determinism.configure(1);
    lm = LanguageModel.create(GptConfig.NANO.withBlockSize(256), new ByteTokenizer(), 11);
  }

  @AfterAll
  static void close() {
    lm.close();
  }

  private static List<Judge.Verdict> judge(boolean byCritique, List<Principle> ensemble, List<Judge.Comparison> cs) {
    AiSpec s = JudgeTest.spec(0, false, 2);
    return new Judge(lm, JudgeTest.CONSTITUTION, s, byCritique, ensemble).judge(cs);
  }

  private static List<Judge.Comparison> swapped(List<Judge.Comparison> cs) {
    return cs.stream().map(c -> new Judge.Comparison(c.principle(), c.prompt(), c.b(), c.a())).toList();
  }

  @Test
  void aCritiqueVerdictIsOneProbabilityThatSwappingThePairComplements() {
    List<Judge.Comparison> cs = JudgeTest.comparisons();
    List<Judge.Verdict> v = judge(true, List.of(), cs);
    List<Judge.Verdict> back = judge(true, List.of(), swapped(cs));
    for (int i = 0; i < cs.size(); i++) {
      assertEquals(v.get(i).aFirst(), 1 - v.get(i).bFirst(), 1e-12, "both orders are one score, no position to debias");
      assertFalse(v.get(i).positionFlip());
      assertEquals(v.get(i).softLabel(), 1 - back.get(i).softLabel(), 1e-6, "comparison " + i);
    }
    List<Judge.Verdict> byQuestion = judge(false, List.of(), cs);
    assertNotEquals(byQuestion.get(0).softLabel(), v.get(0).softLabel(), "the critique judge reads other text");
  }

  @Test
  void anEnsembleOfOnePrincipleIsThatPrincipleAndTwoAverageTheLogOdds() {
    List<Judge.Comparison> cs = JudgeTest.comparisons();
    List<Judge.Comparison> allSafe = cs.stream()
        .map(c -> new Judge.Comparison(JudgeTest.SAFE, c.prompt(), c.a(), c.b())).toList();
    List<Judge.Comparison> allHelp = cs.stream()
        .map(c -> new Judge.Comparison(JudgeTest.HELP, c.prompt(), c.a(), c.b())).toList();
    List<Judge.Verdict> safe = judge(true, List.of(), allSafe);
    List<Judge.Verdict> help = judge(true, List.of(), allHelp);
    List<Judge.Verdict> onlySafe = judge(true, List.of(JudgeTest.SAFE), cs);
    List<Judge.Verdict> both = judge(true, List.of(JudgeTest.SAFE, JudgeTest.HELP), cs);
    for (int i = 0; i < cs.size(); i++) {
      assertEquals(safe.get(i).softLabel(), onlySafe.get(i).softLabel(), 1e-6, "comparison " + i); // batches pad differently
      double mean = (logit(safe.get(i).softLabel()) + logit(help.get(i).softLabel())) / 2;
      assertEquals(mean, logit(both.get(i).softLabel()), 1e-4, "comparison " + i);
    }
  }

  @Test
  void restrictingAConstitutionKeepsTheNamedPrinciplesAndTheirExemplarsAndRejectsUnknownIds() {
    Constitution c = JudgeTest.CONSTITUTION;
    Constitution safe = c.restrictedTo(List.of("safe"), "rl_cai.harmless_principles");
    assertEquals(List.of(JudgeTest.SAFE), safe.principles());
    assertEquals(c.exemplarsFor("safe"), safe.exemplars());
    assertEquals(c.sha256(), safe.sha256(), "the digest stays the file's");
    assertEquals(c, c.restrictedTo(List.of(), "rl_cai.harmless_principles"), "[] keeps every principle");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.restrictedTo(List.of("harmless"), "rl_cai.harmless_principles"));
    assertTrue(e.getMessage().contains("rl_cai.harmless_principles") && e.getMessage().contains("[harmless]"),
        e.getMessage());
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }
}
