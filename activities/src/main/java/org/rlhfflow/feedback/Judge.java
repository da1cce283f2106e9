package org.rlhfflow.feedback;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.tokenizer.Tokenizer;
import org.rlhfflow.spec.AiSpec;

/**
 * An AI labeller after Lee et al. 2023 (RLAIF): the judge model reads the principle's question,
 * optional solved exemplars, the pair and an ending such as "Preferred response: (", and the soft
 * label is the softmax over the two option tokens' logits. Judges favour the response shown first,
 * so every pair is scored in both orders and the two are averaged (Lee et al. 2023, sec. 2.1.3).
 * With chain of thought the judge first writes a rationale, and labels are clamped to [c, 1 - c]
 * because rationales make it overconfident (Bai et al. 2022, sec. 4.1).
 *
 * <pre>{@code
 * Judge judge = new Judge(lm, constitution, spec.preferences().ai()); // checks the option tokens
 * List<Judge.Verdict> v = judge.judge(comparisons);
 * }</pre>
 */
public final class Judge {
  /** One pair to label under one principle; {@code a} and {@code b} exclude the prompt. */
  public record Comparison(Principle principle, String prompt, String a, String b) {}

  /**
   * @param aFirst P(first is preferred) with {@code a} shown first
   * @param bFirst P(first is preferred) with {@code b} shown first
   * @param rationales the chain-of-thought rationales of the two orders, empty strings without CoT
   */
  public record Verdict(double aFirst, double bFirst, String[] rationales) {
    /** P(a is preferred), debiased: the mean over both orders. */
    public double softLabel() {
      return (aFirst + (1 - bFirst)) / 2;
    }

    /** The decision flips with the order: position bias, not a judgement of the pair. */
    public boolean positionFlip() {
      return (aFirst > 0.5) != (1 - bFirst > 0.5);
    }
  }

  private final LanguageModel lm;
  private final Constitution constitution;
  private final AiSpec spec;
  private final OptionTokens options;
  private final PrefixScorer scorer;
  /** Non-null: every pair is judged through its principle's critique request instead of its question. */
  private final CritiqueScorer critique;

  public Judge(LanguageModel lm, Constitution constitution, AiSpec spec) {
    this(lm, constitution, spec, false, List.of());
  }

  /**
   * @param byCritique judge through the principles' critique requests ({@link CritiqueScorer})
   * @param ensemble with {@code byCritique}, the principles every pair is scored under (empty: its own)
   */
  public Judge(LanguageModel lm, Constitution constitution, AiSpec spec, boolean byCritique, List<Principle> ensemble) {
    this(lm, constitution, spec, new PrefixScorer(lm), byCritique, ensemble);
  }

  Judge(LanguageModel lm, Constitution constitution, AiSpec spec, PrefixScorer scorer) {
    this(lm, constitution, spec, scorer, false, List.of());
  }

  Judge(LanguageModel lm, Constitution constitution, AiSpec spec, PrefixScorer scorer, boolean byCritique,
      List<Principle> ensemble) {
    this.lm = lm;
    this.constitution = constitution;
    this.spec = spec;
    this.options = OptionTokens.check(lm.tokenizer(), spec.optionFirst(), spec.optionSecond(), spec.ending());
    this.scorer = scorer;
    this.critique = byCritique ? new CritiqueScorer(lm.tokenizer(), scorer, ensemble) : null;
  }

  /** Verdicts in the order of {@code comparisons}; principles are grouped so each preamble runs once per batch. */
  public List<Verdict> judge(List<Comparison> comparisons) {
    Verdict[] out = new Verdict[comparisons.size()];
    for (List<Integer> batch : batches(comparisons, spec.batchSize())) {
      List<Verdict> verdicts = judgeBatch(batch.stream().map(comparisons::get).toList());
      for (int j = 0; j < batch.size(); j++) {
        out[batch.get(j)] = verdicts.get(j);
      }
    }
    return List.of(out);
  }

  /**
   * How {@link #judge} batches {@code comparisons}: indices grouped by principle (in order of first
   * appearance), then cut into runs of at most {@code batchSize}. A batch's verdicts depend only on
   * its own rows, so judging these batches in any split (shards on several workers) gives the
   * same bits as judging them all in one call.
   */
  public static List<List<Integer>> batches(List<Comparison> comparisons, int batchSize) {
    Map<String, List<Integer>> byPrinciple = new LinkedHashMap<>();
    for (int i = 0; i < comparisons.size(); i++) {
      byPrinciple.computeIfAbsent(comparisons.get(i).principle().id(), k -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> out = new ArrayList<>();
    for (List<Integer> group : byPrinciple.values()) {
      // Bucketing: a batch is padded to its longest comparison, so batches are cut from the
      // principle's comparisons sorted by length (stable: ties keep their order).
      group.sort(java.util.Comparator.comparingInt(i -> textLength(comparisons.get(i))));
      for (int from = 0; from < group.size(); from += batchSize) {
        out.add(List.copyOf(group.subList(from, Math.min(group.size(), from + batchSize))));
      }
    }
    return out;
  }

  private static int textLength(Comparison c) {
    return c.prompt().length() + c.a().length() + c.b().length();
  }

  /** The share of the scored suffix rows' token grid that was padding, over every batch so far. */
  public double paddingWaste() {
    return scorer.paddingWaste();
  }

  /** Verdicts of one batch of {@link #batches}: every comparison under the same principle. */
  public List<Verdict> judgeBatch(List<Comparison> batch) {
    Principle principle = batch.get(0).principle();
    for (Comparison c : batch) {
      if (!c.principle().id().equals(principle.id())) {
        throw new IllegalArgumentException("a judge batch mixes principles " + principle.id() + " and " + c.principle().id());
      }
    }
    return critique != null ? critique.verdicts(principle, batch) : judgeBatch(prefix(principle), batch);
  }

  /** The preamble every comparison under {@code principle} shares: question, then exemplars. */
  String prefix(Principle principle) {
    StringBuilder s = new StringBuilder(ComparisonText.preamble(principle.comparison()));
    List<Exemplar> shots = constitution.exemplarsFor(principle.id());
    for (Exemplar e : shots.subList(0, Math.min(spec.exemplars(), shots.size()))) {
      s.append(ComparisonText.solved(e.prompt(), e.first(), e.second(), e.firstPreferred(), spec.ending(),
          spec.optionFirst(), spec.optionSecond()));
    }
    return s.toString();
  }

  private List<Verdict> judgeBatch(String prefix, List<Comparison> items) {
    List<String> pairs = new ArrayList<>(2 * items.size()); // rows 2i: a first, 2i + 1: b first
    for (Comparison c : items) {
      pairs.add(ComparisonText.pair(c.prompt(), c.a(), c.b(), spec.optionFirst(), spec.optionSecond()));
      pairs.add(ComparisonText.pair(c.prompt(), c.b(), c.a(), spec.optionFirst(), spec.optionSecond()));
    }
    List<String> reasons = spec.chainOfThought() ? rationales(prefix, pairs) : null;
    Tokenizer tok = lm.tokenizer();
    List<int[]> suffixes = new ArrayList<>(pairs.size());
    for (int r = 0; r < pairs.size(); r++) {
      String reason = reasons == null ? "" : ComparisonText.REASON + reasons.get(r) + "\n";
      suffixes.add(tok.encode(pairs.get(r) + reason + spec.ending()));
    }
    float[][] logits = scorer.score(withBos(tok, prefix), suffixes, options);
    List<Verdict> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String[] why = reasons == null ? new String[] {"", ""} : new String[] {reasons.get(2 * i), reasons.get(2 * i + 1)};
      out.add(new Verdict(pFirst(logits[2 * i]), pFirst(logits[2 * i + 1]), why));
    }
    return out;
  }

  /** Softmax over the two option logits, clamped with chain of thought. */
  private double pFirst(float[] logits) {
    double p = 1 / (1 + Math.exp((double) logits[1] - logits[0]));
    return spec.chainOfThought() ? Math.max(spec.cotClamp(), Math.min(1 - spec.cotClamp(), p)) : p;
  }

  /** Greedy rationales, one per row, cut at the first line break. */
  private List<String> rationales(String prefix, List<String> pairs) {
    Tokenizer tok = lm.tokenizer();
    int[][] prompts = new int[pairs.size()][];
    for (int r = 0; r < pairs.size(); r++) {
      prompts[r] = withBos(tok, prefix + pairs.get(r) + ComparisonText.REASON);
    }
    Generation g = new Generator(lm.gpt()).generate(prompts, GenerationConfig.greedy(spec.cotMaxTokens(), tok), 0L);
    List<String> out = new ArrayList<>(pairs.size());
    for (int r = 0; r < pairs.size(); r++) {
      String text = tok.decode(g.response(r));
      int nl = text.indexOf('\n');
      out.add(nl < 0 ? text : text.substring(0, nl));
    }
    return out;
  }

  private static int[] withBos(Tokenizer tok, String text) {
    int[] ids = tok.encode(text);
    int[] out = new int[ids.length + 1];
    out[0] = tok.bosId();
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }
}
