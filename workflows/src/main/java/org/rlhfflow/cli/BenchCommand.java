package org.rlhfflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.bench.BenchCase;
import org.rlhfflow.model.bench.BenchResult;
import org.rlhfflow.model.bench.ModelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf bench <what>}: measurements of this machine. */
@Command(
    name = "bench",
    description = "Benchmark parts of the system on this machine.",
    subcommands = {BenchCommand.Model.class})
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("usage: rlhf bench model [--json]");
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
        ObjectNode out = mapper.createObjectNode().put("peak_gflops", round(peak));
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
}
