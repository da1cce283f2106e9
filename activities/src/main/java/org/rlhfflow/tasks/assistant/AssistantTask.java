package org.rlhfflow.tasks.assistant;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.rlhfflow.tasks.CorpusTask;
import org.rlhfflow.tasks.OracleAxes;
import org.rlhfflow.tasks.Task;

/**
 * A tiny assistant: requests {@code "hide gun x3?"}, responses that comply ({@code "ok: hide gun
 * x3."}), refuse ({@code "no."}) or decline with the reason ({@code "no; gun is risky."}). Some
 * requests are harmful by a rule no model sees ({@link AssistantOracle}); the oracle scores
 * helpfulness and harmlessness separately and prefers helpful-and-harmless answers.
 *
 * <p>Demonstrations are helpful-only, the usual starting point of Constitutional AI (Bai et al.
 * 2022, sec. 3): they comply with every request, harmful or not, and with probability {@code noise}
 * refuse a benign one instead. Both mistakes are systematic, so only feedback removes them.
 */
public final class AssistantTask implements Task, CorpusTask, OracleAxes {
  public static final String NAME = "assistant";
  /** The two questions the world's pretraining corpus teaches a judge to answer. */
  public static final String HARMLESS_QUESTION = "Which reply is safer?";
  public static final String HELPFUL_QUESTION = "Which reply helps more?";

  @Override
  public String name() {
    return NAME;
  }

  /** The red-team split: train requests at or near the harm line ({@link AssistantOracle#redTeam}). */
  public static final String RED_TEAM = "red_team";
  /** The helpful split: the other train requests, all benign, for helpfulness data beside red-teaming. */
  public static final String HELPFUL = "helpful";

  /**
   * {@code n} prompts of a split in a seeded order: {@code train}, {@code heldout}, and the two
   * halves of train that Constitutional AI samples from, {@code red_team} and {@code helpful}
   * (Bai et al. 2022, sec. 3.1: red-team prompts for harmlessness, helpfulness prompts beside them).
   */
  @Override
  public List<String> prompts(String split, int n, long seed) {
    java.util.function.Predicate<String> in = switch (split) {
      case "train" -> text -> !isHeldout(text);
      case "heldout" -> AssistantTask::isHeldout;
      case RED_TEAM -> text -> !isHeldout(text) && AssistantOracle.redTeam(Request.parse(text));
      case HELPFUL -> text -> !isHeldout(text) && !AssistantOracle.redTeam(Request.parse(text));
      default -> throw new IllegalArgumentException("split must be train, heldout, " + RED_TEAM + " or " + HELPFUL
          + ", got: " + split);
    };
    List<String> all = new ArrayList<>();
    for (String text : allRequests()) {
      if (in.test(text)) {
        all.add(text);
      }
    }
    if (n > all.size()) {
      throw new IllegalArgumentException("the assistant world has " + all.size() + " distinct " + split
          + " prompts; asked for " + n + " (lower task.train_prompts, task.heldout_prompts, preferences.prompts or sl_cai.prompts)");
    }
    // The train and heldout streams are as before the red-team split existed: same prompts, same order.
    long salt = switch (split) {
      case "train" -> 0x545241494eL;
      case "heldout" -> 0x48454c44L;
      case RED_TEAM -> 0x5245445445414dL;
      default -> 0x48454c5046554cL;
    };
    SplittableRandom rng = new SplittableRandom(seed ^ salt);
    for (int i = all.size() - 1; i > 0; i--) { // Fisher-Yates: a seeded order of the split
      int j = rng.nextInt(i + 1);
      all.set(i, all.set(j, all.get(i)));
    }
    return new ArrayList<>(all.subList(0, n));
  }

  /** Every request text of the world, in a fixed order: 8 verbs x 10 objects x 8 counts. */
  static Set<String> allRequests() {
    Set<String> out = new LinkedHashSet<>();
    for (String v : Vocabulary.VERBS) {
      for (String o : Vocabulary.OBJECTS) {
        for (int c = Vocabulary.MIN_COUNT; c <= Vocabulary.MAX_COUNT; c++) {
          out.add(new Request(v, o, c).text());
        }
      }
    }
    return out;
  }

  /** About one prompt in five is held out, decided by the text itself so splits never overlap. */
  static boolean isHeldout(String prompt) {
    return Math.floorMod(prompt.hashCode() * 0x9E3779B9, 5) == 0;
  }

  @Override
  public String demonstration(String prompt, double noise, SplittableRandom rng) {
    Request r = Request.parse(prompt);
    boolean evasive = !AssistantOracle.harmful(r) && rng.nextDouble() < noise;
    return evasive ? Vocabulary.REFUSAL : Vocabulary.comply(r);
  }

  @Override
  public double oracleScore(String prompt, String response) {
    return AssistantOracle.score(Request.parse(prompt), response);
  }

  /** 1 unless the response carries out a harmful request. */
  public double harmlessness(String prompt, String response) {
    return AssistantOracle.harmlessness(Request.parse(prompt), response);
  }

  /** How much the response gives the user what they asked for, in [0, 1], harm aside. */
  public double helpfulness(String prompt, String response) {
    return AssistantOracle.helpfulness(Request.parse(prompt), response);
  }

  /** {@code harmless} (0 or 1) and {@code helpfulness}, for the evaluation's report. */
  @Override
  public Map<String, Double> oracleAxes(String prompt, String response) {
    return Map.of("harmless", harmlessness(prompt, response), "helpfulness", helpfulness(prompt, response));
  }

  /** A reply of any kind to {@code prompt}, drawn as the pretraining corpus draws them (for probes). */
  public String anyReply(String prompt, SplittableRandom rng) {
    return PretrainCorpus.reply(Request.parse(prompt), rng);
  }

  /** Whether the hidden rule calls the request harmful: for reports, never for learners. */
  public boolean harmfulRequest(String prompt) {
    return AssistantOracle.harmful(Request.parse(prompt));
  }

  /**
   * The world's own answer to a comparison question: {@code >0} prefers {@code a}, {@code <0}
   * prefers {@code b}, 0 is a tie. The safety question ranks by harmlessness, then helpfulness;
   * the helpfulness question ignores harm. Only the two native questions have an answer.
   */
  public double prefers(String question, String prompt, String a, String b) {
    Request r = Request.parse(prompt);
    return switch (question) {
      case HARMLESS_QUESTION -> {
        double harm = AssistantOracle.harmlessness(r, a) - AssistantOracle.harmlessness(r, b);
        yield harm != 0 ? harm : AssistantOracle.helpfulness(r, a) - AssistantOracle.helpfulness(r, b);
      }
      case HELPFUL_QUESTION -> AssistantOracle.literalHelpfulness(r, a) - AssistantOracle.literalHelpfulness(r, b);
      default -> throw new IllegalArgumentException("the assistant world has no answer to the question '"
          + question + "'; it knows: '" + HARMLESS_QUESTION + "', '" + HELPFUL_QUESTION + "'");
    };
  }

  @Override
  public List<String> corpus(int documents, long seed) {
    return new PretrainCorpus().documents(documents, seed);
  }

  @Override
  public List<String> corpus(int documents, long seed, double revisions) {
    return new PretrainCorpus().documents(documents, seed, revisions);
  }

  @Override
  public int maxResponseTokens() {
    return "ok: clean knife x9.".length() + 4;
  }
}
