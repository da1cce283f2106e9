package org.rlhfflow.activities.slcai;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.collect.PromptBatches;
import org.rlhfflow.data.CritiqueChain;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.Principle;
import org.rlhfflow.feedback.RevisionExemplar;
import org.rlhfflow.feedback.RevisionText;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * Critique-and-revision chains, one batch at a time (Bai et al. 2022, sec. 3.1): the policy
 * answers each red-team prompt, then each round draws a principle, the critic writes a critique of
 * the latest answer under the principle's critique request and a revision under its revision
 * request, after up to {@code sl_cai.exemplars} worked chains of that principle. Every random
 * number comes from (seed, batch, round) or (seed, chain, round), so a batch's chains do not depend
 * on the batches before it: a resumed stage continues bit-identically.
 */
final class ChainGenerator {
  private final SlCaiSpec spec;
  private final long seed;
  private final Constitution constitution;
  private final LanguageModel policy;
  private final LanguageModel critic;

  ChainGenerator(SlCaiSpec spec, long seed, Constitution constitution, LanguageModel policy, LanguageModel critic) {
    this.spec = spec;
    this.seed = seed;
    this.constitution = constitution;
    this.policy = policy;
    this.critic = critic;
  }

  /** The chains of {@code prompts}, batch {@code batch}, whose first chain has index {@code first}. */
  List<CritiqueChain> batch(List<String> prompts, int batch, int first) {
    List<String> current = sample(policy, prompts, spec.maxNewTokens(), seed("initial", batch));
    List<String> initial = List.copyOf(current);
    List<List<String>> principles = new ArrayList<>();
    List<List<String>> critiques = new ArrayList<>();
    List<List<String>> revisions = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      principles.add(new ArrayList<>());
      critiques.add(new ArrayList<>());
      revisions.add(new ArrayList<>());
    }
    for (int round = 1; round <= spec.rounds(); round++) {
      List<Principle> drawn = new ArrayList<>();
      List<String> critiqueRequests = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        Principle p = draw(first + i, round);
        drawn.add(p);
        critiqueRequests.add(prefix(p) + RevisionText.critiqueRequest(prompts.get(i), current.get(i), p.critique()));
      }
      List<String> critique = sample(critic, critiqueRequests, spec.critiqueMaxTokens(), seed("critique", batch, round));
      List<String> revisionRequests = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        revisionRequests.add(RevisionText.revisionRequest(critiqueRequests.get(i), critique.get(i), drawn.get(i).revision()));
      }
      current = sample(critic, revisionRequests, spec.maxNewTokens(), seed("revision", batch, round));
      for (int i = 0; i < prompts.size(); i++) {
        principles.get(i).add(drawn.get(i).id());
        critiques.get(i).add(critique.get(i));
        revisions.get(i).add(current.get(i));
      }
    }
    List<CritiqueChain> out = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      out.add(new CritiqueChain(prompts.get(i), initial.get(i), principles.get(i), critiques.get(i), revisions.get(i)));
    }
    return out;
  }

  /** Samples of the helpful-only policy on the helpful prompts, for the SFT mix. */
  List<String> helpfulSamples(List<String> prompts) {
    return sample(policy, prompts, spec.maxNewTokens(), seed("helpful"));
  }

  /**
   * Fails before any sampling when the longest chain step cannot fit the context: exemplars,
   * prompt, an answer and a critique of their maximum lengths, and the revision request.
   */
  void checkFits(List<String> prompts, int blockSize) {
    checkFits(spec, constitution, critic.tokenizer(), prompts, blockSize);
  }

  /** As {@link #checkFits(List, int)} before any model is loaded, e.g. with the byte tokenizer at the start. */
  static void checkFits(SlCaiSpec spec, Constitution constitution, Tokenizer tok, List<String> prompts, int blockSize) {
    ChainGenerator texts = new ChainGenerator(spec, 0, constitution, null, null);
    int longestPrompt = prompts.stream().mapToInt(p -> tok.encode(p).length).max().orElse(0);
    for (Principle p : constitution.principles()) {
      int request = tok.encode(texts.prefix(p) + RevisionText.critiqueRequest("", "", p.critique())).length
          + tok.encode(RevisionText.REVISION + p.revision() + "\n").length;
      int worst = 1 + longestPrompt + request + spec.critiqueMaxTokens() + 2 * spec.maxNewTokens();
      if (worst > blockSize) {
        throw new ValidationException("a revision request under principle '" + p.id() + "' takes up to " + worst
            + " tokens (BOS, the longest prompt, " + Math.min(spec.exemplars(), constitution.revisionExemplarsFor(p.id()).size())
            + " exemplar(s), sl_cai.max_new_tokens " + spec.maxNewTokens() + " twice, sl_cai.critique_max_tokens "
            + spec.critiqueMaxTokens() + "), more than model.block_size " + blockSize + "; lower sl_cai.exemplars or the lengths");
      }
    }
  }

  /** The worked chains shown before every request under {@code p}. */
  String prefix(Principle p) {
    StringBuilder s = new StringBuilder();
    List<RevisionExemplar> shots = constitution.revisionExemplarsFor(p.id());
    for (RevisionExemplar e : shots.subList(0, Math.min(spec.exemplars(), shots.size()))) {
      s.append(RevisionText.exemplar(e, p));
    }
    return s.toString();
  }

  /** One principle per chain and round, by weight, from a stream of its own (Bai et al. 2022 draw one per step). */
  private Principle draw(int chain, int round) {
    return constitution.draw(new SplittableRandom(Seeds.derive(seed, "sl_cai", "principle", chain, round)));
  }

  /** One sample per text, cut at the first line break: a critique is one line, as is any answer. */
  private List<String> sample(LanguageModel lm, List<String> texts, int maxNewTokens, long genSeed) {
    Tokenizer tok = lm.tokenizer();
    GenerationConfig cfg = PromptBatches.config(tok, spec.temperature(), maxNewTokens);
    Generation g = new Generator(lm.gpt()).generate(PromptBatches.encode(tok, texts, 1), cfg, genSeed);
    List<String> out = new ArrayList<>(texts.size());
    for (String text : PromptBatches.responses(tok, g)) {
      int nl = text.indexOf('\n');
      out.add(clip(tok, (nl < 0 ? text : text.substring(0, nl)).strip(), maxNewTokens));
    }
    return out;
  }

  /**
   * The text cut to at most {@code max} tokens when encoded again: sampled bytes that are not UTF-8
   * decode to U+FFFD, which encodes to three, and the next request must still fit the context.
   */
  static String clip(Tokenizer tok, String text, int max) {
    String t = text;
    while (!t.isEmpty() && tok.encode(t).length > max) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  private long seed(Object... parts) {
    Object[] all = new Object[parts.length + 1];
    all[0] = "sl_cai";
    System.arraycopy(parts, 0, all, 1, parts.length);
    return Seeds.derive(seed, all);
  }
}
