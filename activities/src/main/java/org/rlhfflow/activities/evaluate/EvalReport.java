package org.rlhfflow.activities.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.activities.evaluate.EvaluationSpec;
import org.rlhfflow.store.Json;
import org.rlhfflow.tasks.OracleAxes;
import org.rlhfflow.tasks.Task;

/** The evaluation's figures, from paired SFT and trained-policy samples, and the JSON report around them. */
final class EvalReport {
  /** Example prompts shown in the report, with both policies' first responses. */
  static final int EXAMPLES = 10;

  private EvalReport() {}

  /**
   * The stage's metrics. Oracle figures are left out when the task has no oracle (imported data):
   * a made-up number would be worse than none.
   */
  static Map<String, Double> metrics(PolicySamples sft, PolicySamples ppo, int prompts) {
    return metrics(sft, ppo, prompts, "ppo");
  }

  /** As above, naming the trained policy {@code name} (its method): {@code eval/oracle_score_dpo}. */
  static Map<String, Double> metrics(PolicySamples sft, PolicySamples ppo, int prompts, String name) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (sft.oracle() != null && ppo.oracle() != null) {
      m.put("eval/oracle_score_sft", mean(sft.oracle()));
      m.put("eval/oracle_score_" + name, mean(ppo.oracle()));
      m.put("eval/" + name + "_vs_sft_win_rate", winRate(ppo.oracle(), sft.oracle()));
    }
    if (sft.rm() != null && ppo.rm() != null) {
      m.put("eval/rm_score_sft", mean(sft.rm()));
      m.put("eval/rm_score_" + name, mean(ppo.rm()));
    }
    // Sequence-level KL(policy || sft) at the sampling temperature, estimated from the policy's own
    // samples, in nats (Ziegler et al. 2019). Greedy decoding samples no distribution: no KL is reported.
    if (ppo.kl() != null) {
      m.put("eval/kl_to_ref_" + name, mean(ppo.kl()));
    }
    m.put("eval/prompts", (double) prompts);
    m.put("eval/padding_waste", (sft.paddingWaste() + ppo.paddingWaste()) / 2);
    return m;
  }

  /**
   * How often {@code a} beats {@code b} on the same prompt and sample index, ties counting 1/2, as
   * in pairwise win rates (Stiennon et al. 2020).
   */
  static double winRate(double[] a, double[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("win rate needs paired, non-empty samples: " + a.length + " vs " + b.length);
    }
    double wins = 0;
    for (int i = 0; i < a.length; i++) {
      wins += a[i] > b[i] ? 1 : a[i] == b[i] ? 0.5 : 0;
    }
    return wins / a.length;
  }

  /**
   * {@code eval/<axis>_sft} and {@code eval/<axis>_<method>} for every axis of a task that scores
   * several (the assistant world: harmless rate and helpfulness).
   */
  static void putAxes(Map<String, Double> m, Task task, PolicySamples sft, PolicySamples ppo, String name) {
    if (!(task instanceof OracleAxes axes) || sft.oracle() == null) {
      return;
    }
    putAxes(m, task, sft, "sft");
    putAxes(m, task, ppo, name);
  }

  /** {@code eval/<axis>_<name>} of one policy's samples, when the task scores several axes. */
  static void putAxes(Map<String, Double> m, Task task, PolicySamples s, String name) {
    if (!(task instanceof OracleAxes axes) || s.oracle() == null) {
      return;
    }
    Map<String, Double> sums = new java.util.TreeMap<>();
    for (int i = 0; i < s.responses().size(); i++) {
      axes.oracleAxes(s.prompts().get(i), s.responses().get(i)).forEach((k, v) -> sums.merge(k, v, Double::sum));
    }
    sums.forEach((k, v) -> m.put("eval/" + k + "_" + name, v / s.responses().size()));
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** Writes the figures, the settings and the first {@link #EXAMPLES} prompts with both responses. */
  static Path write(Path file, EvaluationSpec spec, Map<String, Double> metrics, PolicySamples sft,
      PolicySamples ppo) throws IOException {
    return write(file, spec, metrics, sft, ppo, "ppo");
  }

  static Path write(Path file, EvaluationSpec spec, Map<String, Double> metrics, PolicySamples sft,
      PolicySamples ppo, String name) throws IOException {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("prompts", metrics.get("eval/prompts").intValue());
    root.put("samples_per_prompt", spec.samplesPerPrompt());
    root.put("temperature", spec.temperature());
    root.put("max_new_tokens", spec.maxNewTokens());
    root.put("oracle", sft.oracle() != null);
    ObjectNode figures = root.putObject("metrics");
    metrics.forEach(figures::put);
    var examples = root.putArray("examples");
    int stride = spec.samplesPerPrompt();
    for (int row = 0; row < sft.size() && row / stride < EXAMPLES; row += stride) {
      ObjectNode ex = examples.addObject();
      ex.put("prompt", sft.prompts().get(row));
      example(ex.putObject("sft"), sft, row);
      example(ex.putObject(name), ppo, row);
    }
    Files.write(file, Json.MAPPER.writeValueAsBytes(root));
    return file;
  }

  private static void example(ObjectNode node, PolicySamples s, int row) {
    node.put("response", s.responses().get(row));
    if (s.rm() != null) {
      node.put("rm_score", s.rm()[row]);
    }
    if (s.oracle() != null) {
      node.put("oracle_score", s.oracle()[row]);
    }
    if (s.kl() != null) {
      node.put("kl_to_ref", s.kl()[row]);
    }
  }
}
