package org.rlhfflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.Reproducibility;
import org.rlhfflow.model.bench.ScoringMemoryBench;
import picocli.CommandLine;
import org.rlhfflow.model.bench.BenchCase;
import org.rlhfflow.model.bench.BenchResult;
import org.rlhfflow.model.bench.ModelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf bench <what>}: measurements of this machine. */
@Command(
    name = "bench",
    description = "Benchmark parts of the system on this machine.",
    subcommands = {BenchCommand.Model.class, BenchCommand.Memory.class, BenchCommand.ReproducibleCost.class,
        BenchMemoryCommand.class, BenchFanoutCommand.class, BenchPpoCommand.class})
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("usage: rlhf bench model|memory|finetune-memory|reproducible|judge-fanout [--json]");
    return 2;
  }

  /** {@code rlhf bench model}: training and generation throughput per preset. */
  @Command(
      name = "model",
      description = "Train (fwd+bwd+SGD) and generation tokens/s with MFU, over NANO, TINY, GPT2_SMALL.")
  public static final class Model implements Callable<Integer> {
    @Option(names = "--json", description = "Also print one JSON object on the last stdout line.")
    boolean json;

    @Option(names = "--threads", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads = Determinism.DEFAULT_THREADS;

    @Option(
        names = "--case",
        description = "Only the cases whose label matches, e.g. NANO:16x64 or TINY (repeatable; default: all).")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      Determinism.configure(threads); // before the engine loads
      System.err.println("reproducible mode: " + (Reproducibility.enabled() ? "on" : "off") + ", CPU "
          + Reproducibility.cpuModel());
      System.err.println("measuring fp32 " + 2048 + "^2 matmul peak...");
      double peak = ModelBench.peakGflops();
      List<BenchResult> results = new ArrayList<>();
      List<BenchCase> cases = BenchCase.defaults().stream()
          .filter(c -> only.isEmpty() || only.stream().anyMatch(o -> c.label().startsWith(o)))
          .toList();
      if (cases.isEmpty()) {
        System.err.println("rlhf bench model: no case matches " + only + "; cases: "
            + BenchCase.defaults().stream().map(BenchCase::label).toList());
        return 2;
      }
      for (int i = 0; i < cases.size(); i++) {
        int n = i + 1;
        results.add(
            ModelBench.run(cases.get(i), peak, line -> System.err.printf("[%d/%d] %s%n", n, cases.size(), line)));
      }
      printTable(peak, results);
      if (json) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode out = mapper.createObjectNode().put("peak_gflops", round(peak))
            .put("reproducible", Reproducibility.enabled());
        out.set("results", mapper.valueToTree(results));
        System.out.println(mapper.writeValueAsString(out));
      }
      return 0;
    }

    private static void printTable(double peak, List<BenchResult> results) {
      System.out.printf(Locale.ROOT, "peak fp32 matmul: %.1f GFLOP/s%n", peak);
      System.out.printf(
          Locale.ROOT, "%-11s %5s %5s %10s %12s %7s %12s %12s %9s %10s%n",
          "preset", "batch", "seq", "params", "train tok/s", "MFU", "gen kv t/s", "gen nokv t/s",
          "peak MiB", "minflt");
      for (BenchResult r : results) {
        System.out.printf(
            Locale.ROOT, "%-11s %5d %5d %10d %12.0f %6.1f%% %12.0f %12.0f %9.0f %10d%n",
            r.preset(), r.batch(), r.seq(), r.params(), r.trainTokensPerS(), 100 * r.mfu(),
            r.genTokensPerSKv(), r.genTokensPerSNoKv(), r.peakRssMiB(), r.minorFaults());
      }
    }

    private static double round(double v) {
      return Math.round(v * 100) / 100.0;
    }
  }

  /**
   * {@code rlhf bench memory}: peak resident memory of scoring one rollout batch, the old
   * full-vocabulary log-softmax against the chunked gather-minus-logsumexp, each in a fresh JVM.
   */
  @Command(
      name = "memory",
      description = "Peak memory of scoring a rollout batch (log-probs + entropy): forward only, full log-softmax, chunked.")
  public static final class Memory implements Callable<Integer> {
    @Option(names = "--preset", description = "NANO, TINY or GPT2_SMALL (default: ${DEFAULT-VALUE}).")
    String preset = "GPT2_SMALL";

    @Option(names = "--batch", description = "Rollout rows (default: ${DEFAULT-VALUE}, PPO's rollout_batch_size).")
    int batch = 64;

    @Option(names = "--seq", description = "Tokens per row (default: ${DEFAULT-VALUE}, GPT-2's context).")
    int seq = 1024;

    @Option(names = "--method", hidden = true, description = "Run one method in this JVM (child process).")
    String method;

    @Option(names = "--json", description = "Also print one JSON object on the last stdout line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      ObjectMapper mapper = new ObjectMapper();
      if (method != null) { // the child: one method, one process, one high-water mark
        Determinism.configure();
        var r = ScoringMemoryBench.run(preset, config(preset), batch, seq, method);
        System.out.println(mapper.writeValueAsString(r));
        return 0;
      }
      List<String> common = List.of("bench", "memory", "--preset", preset, "--batch", "" + batch, "--seq", "" + seq);
      ObjectNode out = mapper.createObjectNode();
      System.out.printf(Locale.ROOT, "%-17s %-10s %5s %5s %8s %14s %8s%n", "method", "preset", "batch", "seq", "vocab",
          "scoring peak", "time");
      for (String m : ScoringMemoryBench.METHODS) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of("--method", m));
        var r = ChildJvm.runJson(args, Map.of());
        out.set(m, r);
        System.out.printf(Locale.ROOT, "%-17s %-10s %5d %5d %8d %11.0f MB %7.1fs%n", r.get("method").asText(), preset,
            batch, seq, r.get("vocab").asInt(), (r.get("peakKb").asLong() - r.get("baselineKb").asLong()) / 1024.0,
            r.get("seconds").asDouble());
      }
      if (json) {
        System.out.println(mapper.writeValueAsString(out));
      }
      return 0;
    }

    private static GptConfig config(String preset) {
      return switch (preset.toUpperCase(Locale.ROOT)) {
        case "NANO" -> GptConfig.NANO;
        case "TINY" -> GptConfig.TINY;
        case "GPT2_SMALL" -> GptConfig.GPT2_SMALL;
        default -> throw new CommandLine.ParameterException(new CommandLine(new Memory()),
            "--preset: " + preset + " is not one of NANO, TINY, GPT2_SMALL");
      };
    }
  }

  /**
   * {@code rlhf bench reproducible}: what the reproducible mode costs, as A/B ratios of {@code bench
   * model} throughput, off and on alternately in fresh JVMs (the pins act when PyTorch loads).
   */
  @Command(
      name = "reproducible",
      description = "Throughput with RLHF_REPRODUCIBLE=1 relative to without, alternating fresh JVMs.")
  public static final class ReproducibleCost implements Callable<Integer> {
    @Option(names = "--rounds", description = "Off/on pairs (default: ${DEFAULT-VALUE}).")
    int rounds = 2;

    @Option(names = "--case", description = "bench model cases to measure, e.g. NANO or TINY:8x128; repeatable (default: NANO and TINY).")
    List<String> cases = new ArrayList<>(List.of("NANO", "TINY"));

    @Override
    public Integer call() throws Exception {
      Map<String, String> off = new java.util.HashMap<>();
      off.put(Reproducibility.ENV, null);
      Reproducibility.pins().keySet().forEach(k -> off.put(k, null));
      Map<String, String> on = new java.util.HashMap<>(Reproducibility.pins());
      on.put(Reproducibility.ENV, "1");
      List<String> args = new ArrayList<>(List.of("bench", "model", "--json"));
      cases.forEach(c -> args.addAll(List.of("--case", c)));
      Map<String, List<Double>> ratios = new java.util.LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        JsonNode a = ChildJvm.runJson(args, off).get("results");
        JsonNode b = ChildJvm.runJson(args, on).get("results");
        for (int i = 0; i < a.size(); i++) {
          String key = a.get(i).get("preset").asText() + " b=" + a.get(i).get("batch") + " t=" + a.get(i).get("seq");
          for (String metric : List.of("train_tokens_per_s", "gen_tokens_per_s_kv")) {
            ratios.computeIfAbsent(key + " " + metric, k -> new ArrayList<>())
                .add(b.get(i).get(metric).asDouble() / a.get(i).get(metric).asDouble());
          }
        }
      }
      System.out.println("throughput on/off (RLHF_REPRODUCIBLE=1 vs unset), per round; < 1 means the mode is slower");
      ratios.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-36s %s%n", k,
          v.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList()));
      return 0;
    }
  }
}
