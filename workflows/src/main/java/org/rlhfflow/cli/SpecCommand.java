package org.rlhfflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.activities.LoraModels;
import org.rlhfflow.spec.SpecReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rlhf spec}: check a spec file, or print the generated spec reference. */
@Command(
    name = "spec",
    mixinStandardHelpOptions = true,
    description = "Check experiment specs and print the spec reference.",
    subcommands = {SpecCommand.Check.class, SpecCommand.Reference.class})
public final class SpecCommand {

  /** {@code rlhf spec check FILE}: validate, then print the resolved canonical JSON and its sha256. */
  @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a spec; print it resolved.")
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC.yaml", description = "The experiment spec to validate.")
    Path file;

    @Override
    public Integer call() {
      try {
        ExperimentSpec spec = SpecLoader.load(file);
        LoraModels.checkTargets(spec);
        System.out.println(spec.canonicalJson());
        System.out.println("sha256 " + spec.sha256());
        System.out.println("pipeline " + String.join(" -> ", StageRegistry.plan(spec)));
        return 0;
      } catch (SpecException e) {
        System.err.println(e.getMessage()); // already says file:line:column: key: problem
        return 1;
      } catch (StageFailures.ValidationException e) { // method, until or a stage's needs
        System.err.println(file + ": " + e.getMessage());
        return 1;
      }
    }
  }

  /** {@code rlhf spec reference}: the README's table; {@code --document} gives docs/spec-reference.md. */
  @Command(name = "reference", mixinStandardHelpOptions = true, description = "Print the spec reference (markdown).")
  static final class Reference implements Callable<Integer> {
    @Option(names = "--document", description = "Print the whole docs/spec-reference.md, title included.")
    boolean document;

    @Override
    public Integer call() {
      System.out.print(document ? SpecReference.document() : SpecReference.markdown());
      return 0;
    }
  }
}
