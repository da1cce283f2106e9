package org.rlhfflow.activities.w2s;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.w2s.W2sSplits.Splits;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The weak-to-strong activities over a worker's store and tracker. */
public final class W2sActivitiesImpl implements W2sActivities {
  private static final Logger LOG = LoggerFactory.getLogger(W2sActivitiesImpl.class);

  private final StageServices services;

  public W2sActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public Plan plan(PlanInput input) {
    try {
      ExperimentSpec spec = load(input);
      if (!spec.runsWeakToStrong()) {
        throw new StageFailures.ValidationException("method: " + spec.method()
            + "; the WeakToStrong workflow runs specs with method: " + ExperimentSpec.WEAK_TO_STRONG);
      }
      W2sSpec w = spec.w2s();
      Map<String, Long> params = new LinkedHashMap<>();
      for (String key : List.of("weak", "strong", "bootstrap")) {
        List<String> names = key.equals("weak") ? w.weak() : key.equals("strong") ? w.strong() : w.bootstrap();
        for (String name : names == null ? List.<String>of() : names) {
          params.put(name, W2sModels.config(name, spec.model(), "w2s." + key).numParams());
        }
      }
      List<String> warnings = new ArrayList<>(warnings(w, params));
      List<Long> seeds = new ArrayList<>();
      for (int i = 0; i < w.seeds(); i++) {
        seeds.add(spec.seed() + i);
      }
      List<String> pretrain = new ArrayList<>();
      if (w.pretrain().on()) {
        for (String name : params.keySet()) {
          if (W2sModels.preset(name) != null) {
            pretrain.add(name);
          } else {
            warnings.add("w2s.pretrain: " + name + " is a Hugging Face directory, pretrained already; it keeps its weights");
          }
        }
      }
      warnings.forEach(m -> LOG.warn("{}: {}", spec.name(), m));
      return new Plan(spec.name(), spec.canonicalJson(), spec.sha256(), seeds, distinct(w.weak()), distinct(w.strong()),
          w.loss().runs(), w.bootstrap() == null ? List.of() : w.bootstrap(), w.queue(), params, warnings,
          spec.resources().heartbeatTimeoutS(W2sStages.TRAIN_NAME), pretrain);
    } catch (SpecException | StageFailures.ValidationException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), StageFailures.VALIDATION);
    }
  }

  /** Pairs whose strong model is not larger: allowed (the paper ran them too) but worth saying. */
  static List<String> warnings(W2sSpec w, Map<String, Long> params) {
    List<String> out = new ArrayList<>();
    for (String weak : w.weak()) {
      for (String strong : w.strong()) {
        if (params.get(strong) <= params.get(weak)) {
          out.add("w2s: strong model " + strong + " (" + params.get(strong) + " params) is not larger than weak model "
              + weak + " (" + params.get(weak) + "); running the pair anyway");
        }
      }
    }
    List<String> chain = w.bootstrap() == null ? List.of() : w.bootstrap();
    for (int i = 1; i < chain.size(); i++) {
      if (params.get(chain.get(i)) <= params.get(chain.get(i - 1))) {
        out.add("w2s.bootstrap: " + chain.get(i) + " is not larger than " + chain.get(i - 1) + " before it");
      }
    }
    return out;
  }

  private static List<String> distinct(List<String> names) {
    return List.copyOf(new LinkedHashSet<>(names));
  }

  private static ExperimentSpec load(PlanInput input) {
    ExperimentSpec spec;
    if (input.specYaml() != null) {
      spec = SpecLoader.parse(input.specYaml(), input.specPath() != null ? input.specPath() : "inline spec");
    } else if (input.specPath() != null) {
      spec = SpecLoader.load(Path.of(input.specPath()));
    } else {
      throw new StageFailures.ValidationException("WeakToStrong input: set specPath or specYaml");
    }
    return input.seed() == null ? spec : spec.withSeed(input.seed());
  }

  @Override
  public DataResult data(DataInput input) {
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("data_seed", Long.toString(input.seed()));
    StageResult r = StageRun.execute(services, input.ctx(), W2sStages.DATA, "w2s_data/seed" + input.seed(), inputs,
        run -> {
      W2sSpec w = run.spec().w2s();
      String source = w.dataset() != null ? "w2s.dataset " + w.dataset()
          : w.preferenceDataset() != null ? "w2s.preference_dataset " + w.preferenceDataset() : "w2s.task " + w.task();
      Splits s = W2sSplits.split(W2sSplits.examples(w, input.seed()), w, input.seed(), source);
      Path dir = run.workDir("splits");
      Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
      outputs.put("train1", services.store().put(W2sSplits.write(s.train1(), dir.resolve("train1.jsonl"))));
      outputs.put("train2", services.store().put(W2sSplits.write(s.train2(), dir.resolve("train2.jsonl"))));
      outputs.put("test", services.store().put(W2sSplits.write(s.test(), dir.resolve("test.jsonl"))));
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("w2s/train1_size", (double) s.train1().size());
      metrics.put("w2s/train2_size", (double) s.train2().size());
      metrics.put("w2s/test_size", (double) s.test().size());
      metrics.put("w2s/test_positive_fraction", W2sSplits.positiveFraction(s.test()));
      return run.complete(outputs, metrics);
    });
    return new DataResult(input.seed(), r.output("train1"), r.output("train2"), r.output("test"), r.metrics());
  }

  @Override
  public PretrainResult pretrain(PretrainInput input) {
    return pretrain(input, Hooks.NONE);
  }

  /** As {@link #pretrain(PretrainInput)}, with the test seams for resuming. */
  PretrainResult pretrain(PretrainInput input, Hooks hooks) {
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("model", input.model());
    String name = "w2s/pretrain/" + W2sModels.label(input.model());
    StageResult r = StageRun.execute(services, input.ctx(), W2sStages.PRETRAIN, name, inputs, run -> {
      run.tag("rlhf.w2s.run", name);
      return new W2sPretrainer(run, input.model()).train(hooks);
    });
    return new PretrainResult(input.model(), r.output("checkpoint"), r.reused(), r.wallSeconds(), r.metrics());
  }

  @Override
  public TrainResult train(TrainInput input) {
    return train(input, Hooks.NONE);
  }

  /** As {@link #train(TrainInput)}, with the test seams for resuming. */
  TrainResult train(TrainInput input, Hooks hooks) {
    if (!List.of("xent", "logconf").contains(input.loss())) {
      throw ApplicationFailure.newNonRetryableFailure("w2s.loss: unknown loss \"" + input.loss()
          + "\" (expected xent or logconf)", StageFailures.VALIDATION);
    }
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("role", input.role());
    inputs.put("model", input.model());
    inputs.put("loss", input.loss());
    inputs.put("init_seed", Long.toString(input.seed()));
    inputs.put("train", input.train().sha256());
    inputs.put("test", input.test().sha256());
    if (input.softLabels() != null) {
      inputs.put("soft_labels", input.softLabels().sha256());
      inputs.put("supervisor", input.supervisor());
    }
    if (input.labelTarget() != null) {
      inputs.put("label_target", input.labelTarget().sha256());
    }
    if (input.pretrained() != null) {
      inputs.put("pretrained", input.pretrained().sha256());
    }
    String name = "w2s/" + input.role() + "/" + W2sModels.label(input.model()) + "/" + input.loss()
        + (input.supervisor() == null ? "" : "/from-" + W2sModels.label(input.supervisor())) + "/seed" + input.seed();
    StageResult r = StageRun.execute(services, input.ctx(), W2sStages.TRAIN, name, inputs, run -> {
      run.tag("rlhf.w2s.run", name);
      return new W2sTrainer(run, input).train(hooks);
    });
    return new TrainResult(input.role(), input.model(), input.seed(), input.loss(), r.output("checkpoint"),
        r.outputs().get("labels"), r.metrics().get("w2s/test_accuracy"), r.reused(), r.wallSeconds(), r.metrics(),
        input.supervisor());
  }

  @Override
  public ReportResult report(ReportInput input) {
    return new W2sReporter(services).report(input);
  }
}
