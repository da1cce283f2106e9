package org.rlhfflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rlhfflow.activities.ppo.PpoBench;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf bench ppo}: a PPO iteration's time split into generate, score and update. */
@Command(
    name = "ppo",
    description = "Median seconds per PPO iteration, split into generate, score and update, at an"
        + " experiment's settings (freshly initialised models of its shapes).")
public final class BenchPpoCommand implements Callable<Integer> {
  @Option(names = "--experiment", description = "Experiment spec (default: ${DEFAULT-VALUE}).")
  Path experiment = Path.of("experiments/demo.yaml");

  @Option(names = "--iterations", description = "Timed iterations (default: ${DEFAULT-VALUE}).")
  int iterations = 5;

  @Option(names = "--warmup", description = "Untimed iterations first (default: ${DEFAULT-VALUE}).")
  int warmup = 2;

  @Option(names = "--threads", description = "PyTorch intra-op threads (default: RLHF_THREADS, else 1).")
  Integer threads;

  @Option(names = "--json", description = "Also print one JSON object on the last stdout line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (threads != null) {
      Determinism.configure(threads);
    } else {
      Determinism.configure();
    }
    ExperimentSpec spec = SpecLoader.load(experiment);
    PpoBench.Result r = PpoBench.run(spec, warmup, iterations, System.err::println);
    System.out.printf(Locale.ROOT, "%s: rollout batch %d, minibatch %d, ppo_epochs %d, max_new_tokens %d,"
        + " %d thread(s); medians of %d iterations after %d warm-up%n", r.experiment(), r.rolloutBatch(),
        r.minibatch(), r.ppoEpochs(), r.maxNewTokens(), Determinism.threads(), r.iterations().size(), r.warmup());
    System.out.printf(Locale.ROOT, "%-9s %9s %7s%n", "phase", "seconds", "share");
    row("generate", r.generateS(), r);
    row("score", r.scoreS(), r);
    row("update", r.updateS(), r);
    System.out.printf(Locale.ROOT, "%-9s %9.3f%n", "total", r.totalS());
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(r));
    }
    return 0;
  }

  private static void row(String phase, double s, PpoBench.Result r) {
    double sum = r.generateS() + r.scoreS() + r.updateS();
    System.out.printf(Locale.ROOT, "%-9s %9.3f %6.1f%%%n", phase, s, 100 * s / sum);
  }
}
