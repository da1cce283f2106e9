package org.rlhfflow.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A labeller simulated from the task's oracle. It ranks K responses by sampling a Plackett–Luce
 * order with utilities {@code score / temperature} — the Bradley–Terry model of human choice
 * (Bradley &amp; Terry 1952; Christiano et al. 2017 use the same noise model) — and emits every
 * ordered pair of distinct responses. Temperature 0 ranks by the oracle exactly.
 */
public final class SimulatedAnnotator {
  private final Task task;
  private final double temperature;

  public SimulatedAnnotator(Task task, double temperature) {
    if (!(temperature >= 0)) {
      throw new IllegalArgumentException("annotator temperature must be >= 0, got: " + temperature);
    }
    this.task = task;
    this.temperature = temperature;
  }

  /** One preference: {@code chosen} was ranked above {@code rejected}. */
  public record Judgement(String prompt, String chosen, String rejected, double margin) {}

  public String id() {
    return "simulated-bt(t=" + temperature + ")";
  }

  /** Ranks the responses to one prompt and returns all pairs of distinct responses, best first. */
  public List<Judgement> judge(String prompt, List<String> responses, SplittableRandom rng) {
    int k = responses.size();
    double[] score = new double[k];
    for (int i = 0; i < k; i++) {
      score[i] = task.oracleScore(prompt, responses.get(i));
    }
    int[] order = rank(score, rng);
    List<Judgement> pairs = new ArrayList<>();
    for (int a = 0; a < k; a++) {
      for (int b = a + 1; b < k; b++) {
        String chosen = responses.get(order[a]);
        String rejected = responses.get(order[b]);
        if (!chosen.equals(rejected)) {
          pairs.add(new Judgement(prompt, chosen, rejected, score[order[a]] - score[order[b]]));
        }
      }
    }
    return pairs;
  }

  /** Indices from most to least preferred, drawn without replacement ∝ exp(score / T). */
  int[] rank(double[] score, SplittableRandom rng) {
    int k = score.length;
    boolean[] taken = new boolean[k];
    int[] order = new int[k];
    for (int pos = 0; pos < k; pos++) {
      order[pos] = temperature == 0 ? argmax(score, taken) : sample(score, taken, rng);
      taken[order[pos]] = true;
    }
    return order;
  }

  private static int argmax(double[] score, boolean[] taken) {
    int best = -1;
    for (int i = 0; i < score.length; i++) {
      if (!taken[i] && (best < 0 || score[i] > score[best])) {
        best = i;
      }
    }
    return best;
  }

  private int sample(double[] score, boolean[] taken, SplittableRandom rng) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < score.length; i++) {
      if (!taken[i]) {
        max = Math.max(max, score[i]);
      }
    }
    double[] w = new double[score.length];
    double total = 0;
    for (int i = 0; i < score.length; i++) {
      w[i] = taken[i] ? 0 : Math.exp((score[i] - max) / temperature); // shift by max: no overflow
      total += w[i];
    }
    double u = rng.nextDouble() * total;
    int last = -1;
    for (int i = 0; i < score.length; i++) {
      if (taken[i]) {
        continue;
      }
      last = i;
      u -= w[i];
      if (u < 0) {
        return i;
      }
    }
    return last; // rounding left u a hair above zero
  }
}
