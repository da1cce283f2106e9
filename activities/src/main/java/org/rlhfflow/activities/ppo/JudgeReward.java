package org.rlhfflow.activities.ppo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * Direct RLAIF ({@code reward.source: judge}; Lee et al. 2023, sec. 2.3, d-RLAIF): the AI judge
 * scores every rollout itself, with no reward model in between. This project's judges compare
 * pairs, so a rollout's score is its soft preference over the frozen SFT policy's greedy reply to
 * the same prompt, both orders averaged, under a principle drawn per rollout; it is mapped to
 * [-1, 1] as d-RLAIF normalises its 1-10 score: {@code r = 2 P(rollout preferred) - 1}, and 0 when
 * the rollout is the baseline reply itself.
 */
final class JudgeReward implements AutoCloseable {
  private final LanguageModel judgeLm;
  private final Judge judge;
  private final Constitution constitution;
  private final LanguageModel baseline;
  private final GenerationConfig greedy;
  private final long seed;
  private final Map<String, String> baselines = new HashMap<>();

  /**
   * @param judgeLm the judge, owned (closed) by this object
   * @param baseline the frozen SFT reference, not owned
   */
  JudgeReward(LanguageModel judgeLm, Judge judge, Constitution constitution, LanguageModel baseline,
      int maxNewTokens, long seed) {
    this.judgeLm = judgeLm;
    this.judge = judge;
    this.constitution = constitution;
    this.baseline = baseline;
    this.greedy = GenerationConfig.greedy(maxNewTokens, baseline.tokenizer());
    this.seed = seed;
  }

  /** Rewards of {@code responses} to {@code prompts}; {@code genSeed} is the iteration's rollout seed. */
  double[] score(List<String> prompts, List<String> responses, long genSeed) {
    double[] out = new double[prompts.size()];
    List<Judge.Comparison> comparisons = new ArrayList<>();
    List<Integer> rows = new ArrayList<>();
    for (int b = 0; b < prompts.size(); b++) {
      String reference = baselineReply(prompts.get(b));
      if (responses.get(b).equals(reference)) {
        continue; // the baseline against itself: no preference, reward 0
      }
      SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "ppo", "judge", genSeed, b));
      comparisons.add(new Judge.Comparison(constitution.draw(rng), prompts.get(b), responses.get(b), reference));
      rows.add(b);
    }
    List<Judge.Verdict> verdicts = judge.judge(comparisons);
    for (int i = 0; i < rows.size(); i++) {
      out[rows.get(i)] = 2 * verdicts.get(i).softLabel() - 1;
    }
    return out;
  }

  /**
   * The SFT policy's greedy reply, generated alone (batch of one) so it does not depend on which
   * prompts share an iteration: a resumed run sees the same baselines.
   */
  private String baselineReply(String prompt) {
    return baselines.computeIfAbsent(prompt, p -> {
      Tokenizer tok = baseline.tokenizer();
      int[] ids = RolloutCollector.withBos(tok.bosId(), tok.encode(p));
      Generation g = new Generator(baseline.gpt()).generate(new int[][] {ids}, greedy, 0L);
      return tok.decode(g.response(0));
    });
  }

  @Override
  public void close() {
    judgeLm.close();
  }
}
