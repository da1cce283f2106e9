package org.rlhfflow.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.AiSpec;

/** The judge's mechanics on an untrained NANO model: what it says is noise, how it says it is not. */
class JudgeTest {
  static LanguageModel lm;
  static final Principle SAFE = new Principle("safe", "Which reply is safer?", "Harmful?", "Fix it.");
  static final Principle HELP = new Principle("help", "Which reply helps more?", "Dodges?", "Answer it.");
  static final Constitution CONSTITUTION = Constitution.of(List.of(SAFE, HELP),
      List.of(new Exemplar("safe", "aim gas x2?", "ok: aim gas x2.", "no; gas is risky.", false)));

  @BeforeAll
  static void model() {
    Determinism.configure(1);
    lm = LanguageModel.create(GptConfig.NANO.withBlockSize(256), new ByteTokenizer(), 11);
  }

  @AfterAll
  static void close() {
    lm.close();
  }

  static AiSpec spec(int exemplars, boolean cot, int batch) {
    AiSpec d = AiSpec.DEFAULT;
    return new AiSpec("c.yaml", "pretrain", d.optionFirst(), d.optionSecond(), d.ending(), exemplars, cot,
        d.cotClamp(), 8, batch, 1);
  }

  static List<Judge.Comparison> comparisons() {
    List<Judge.Comparison> out = new ArrayList<>();
    String[][] rows = {{"fix bike x3?", "ok: fix bike x3.", "no."}, {"hide gun x2?", "ok: hide gun x2.", "no; gun is risky."},
        {"make cake x9?", "no.", "ok: make cake x9."}, {"aim knife x4?", "no; knife is risky.", "ok: aim knife x4."},
        {"buy lamp x5?", "ok: buy lamp x5.", "ok: buy lamp x6."}};
    for (int i = 0; i < rows.length; i++) {
      out.add(new Judge.Comparison(i % 2 == 0 ? SAFE : HELP, rows[i][0], rows[i][1], rows[i][2]));
    }
    return out;
  }

  @Test
  void thePreambleThroughTheKvCacheScoresExactlyAsTheWholePrompt() {
    AiSpec s = spec(1, false, 2);
    List<Judge.Verdict> cached = new Judge(lm, CONSTITUTION, s).judge(comparisons());
    List<Judge.Verdict> whole = new Judge(lm, CONSTITUTION, s, new PrefixScorer(lm, false)).judge(comparisons());
    for (int i = 0; i < cached.size(); i++) {
      assertEquals(whole.get(i).aFirst(), cached.get(i).aFirst(), 1e-5);
      assertEquals(whole.get(i).bFirst(), cached.get(i).bFirst(), 1e-5);
    }
    List<Judge.Verdict> oneBatch = new Judge(lm, CONSTITUTION, spec(1, false, 64)).judge(comparisons());
    assertEquals(cached.get(4).softLabel(), oneBatch.get(4).softLabel(), 1e-5, "batching does not change a label");
  }

  @Test
  void bothOrdersAreAveragedAndFlipsCounted() {
    Judge.Verdict v = new Judge.Verdict(0.8, 0.6, new String[] {"", ""});
    assertEquals((0.8 + 0.4) / 2, v.softLabel(), 1e-12);
    assertTrue(v.positionFlip(), "prefers whichever comes first");
    Judge.Verdict w = new Judge.Verdict(0.8, 0.3, new String[] {"", ""});
    assertFalse(w.positionFlip());
    assertEquals(0.75, w.softLabel(), 1e-12);
  }

  @Test
  void thePrincipleAndExemplarsAreInThePreamble() {
    Judge j = new Judge(lm, CONSTITUTION, spec(1, false, 8));
    assertTrue(j.prefix(SAFE).startsWith("Which reply is safer?\n"));
    assertTrue(j.prefix(SAFE).contains("aim gas x2?\nA: ok: aim gas x2.\nB: no; gas is risky.\nPreferred response: (B)\n"));
    assertEquals("Which reply helps more?\n", j.prefix(HELP), "no exemplar for this principle");
    List<Judge.Verdict> v = j.judge(comparisons());
    Judge.Comparison c = comparisons().get(0);
    List<Judge.Verdict> other = j.judge(List.of(new Judge.Comparison(HELP, c.prompt(), c.a(), c.b())));
    assertNotEquals(v.get(0).aFirst(), other.get(0).aFirst(), "the principle's text reaches the model");
  }

  @Test
  void chainOfThoughtLabelsAreClamped() {
    List<Judge.Verdict> v = new Judge(lm, CONSTITUTION, spec(0, true, 8)).judge(comparisons());
    for (Judge.Verdict x : v) {
      assertTrue(x.aFirst() >= 0.4 && x.aFirst() <= 0.6 && x.bFirst() >= 0.4 && x.bFirst() <= 0.6, x.toString());
      assertEquals(2, x.rationales().length);
    }
  }

  @Test
  void aHuggingFaceGpt2JudgeComesWithItsBpeTokenizer() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of("../model/src/test/resources/hf-tiny-gpt2");
    try (LanguageModel hf = org.rlhfflow.model.hf.HfGpt2.importModel(dir,
        org.rlhfflow.model.tokenizer.HfTokenizer.gpt2(dir.resolve("tokenizer.json")))) {
      Principle brief = new Principle("brief", "Safer?", "Harmful?", "Fix it.");
      List<Judge.Comparison> pair = List.of(new Judge.Comparison(brief, "fix x?", "ok", "no"));
      List<Judge.Verdict> v = new Judge(hf, Constitution.of(List.of(brief), List.of()), spec(0, false, 8)).judge(pair);
      assertTrue(v.get(0).softLabel() > 0 && v.get(0).softLabel() < 1);
      AiSpec odd = new AiSpec("c", "pretrain", "Qz7%", "B", "Preferred response: (", 0, false, 0.4, 8, 8, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Judge(hf, CONSTITUTION, odd));
      assertTrue(e.getMessage().startsWith("preferences.ai.option_first: 'Qz7%' is "), e.getMessage());
    }
  }

  @Test
  void optionsThatAreNotSingleTokensFailAtStartUp() {
    AiSpec d = spec(0, false, 8);
    AiSpec bad = new AiSpec("c", "pretrain", "AA", "B", d.ending(), 0, false, 0.4, 8, 8, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Judge(lm, CONSTITUTION, bad));
    assertTrue(e.getMessage().startsWith("preferences.ai.option_first: 'AA' is 2 tokens"), e.getMessage());
    AiSpec same = new AiSpec("c", "pretrain", "A", "A", d.ending(), 0, false, 0.4, 8, 8, 1);
    assertThrows(IllegalArgumentException.class, () -> new Judge(lm, CONSTITUTION, same));
  }
}
