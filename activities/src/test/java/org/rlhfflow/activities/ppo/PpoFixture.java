package org.rlhfflow.activities.ppo;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.nn.Ops;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.ModelSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.Tracker;

/** Upstream inputs for PPO tests, made directly: a fresh NANO "SFT" model and a reward model. */
final class PpoFixture {
  static final String BASE_YAML = """
      name: ppo-test
      seed: 11
      model:
        preset: nano
      task:
        train_prompts: 64
      ppo:
        iterations: 3
        rollout_batch_size: 8
        minibatch_size: 4
        ppo_epochs: 2
        max_new_tokens: 9
        checkpoint_every: 1
      """;

  final Path tmp;
  final StageServices services;
  final RecordingTracker tracker = new RecordingTracker();

  PpoFixture(Path tmp) throws IOException {
    this(tmp, 1);
  }

  PpoFixture(Path tmp, int threads) throws IOException {
    // One intra-op thread: NANO's ops take microseconds, and with two OpenMP threads on a loaded
    // 2-core machine every op waits at a barrier for a descheduled thread (measured: 110 s -> 8 s
    // for PpoLearningTest). Results are still bit-identical run to run at a fixed thread count.
    Determinism.configure(threads);
    this.tmp = tmp;
    this.services = new StageServices(new LocalArtifactStore(tmp.resolve("a")), tracker, tmp.resolve("s"));
  }

  static ExperimentSpec spec(String yaml) {
    return SpecLoader.parse(yaml, "test.yaml");
  }

  static StageContext context(ExperimentSpec spec, List<String> force) {
    return new StageContext(spec.name(), "wf-test", null, spec.canonicalJson(), spec.sha256(), force);
  }

  /**
   * Stores a fresh NANO (or TINY) model as the SFT checkpoint and a reward model on its trunk whose head is
   * scaled by {@code headScale}, so that the scores of different responses differ by O(1).
   */
  PpoInput input(ExperimentSpec spec, List<String> force, double headScale) throws IOException {
    ByteTokenizer tok = new ByteTokenizer();
    GptConfig preset = spec.model().preset() == ModelSpec.Preset.TINY ? GptConfig.TINY : GptConfig.NANO;
    GptConfig config = preset.withVocabSize(tok.vocabSize()).withBlockSize(spec.model().blockSize());
    try (LanguageModel sft = LanguageModel.create(config, tok, 5);
        ScalarHeadModel rm = ScalarHeadModel.fromLanguageModel(ScalarHeadModel.Kind.REWARD, sft, 6)) {
      try (NoGrad ng = NoGrad.enter()) {
        for (NDArray w : rm.headWeights().values()) {
          w.set(Ops.mul(w, headScale).toByteBuffer());
        }
      }
      sft.save(tmp.resolve("sft"), 0, "", null, Map.of());
      rm.save(tmp.resolve("rm"), 0, "", null, Map.of());
    }
    ArtifactRef sftRef = services.store().putDirectory(tmp.resolve("sft"));
    ArtifactRef rmRef = services.store().putDirectory(tmp.resolve("rm"));
    return new PpoInput(context(spec, force), sftRef, rmRef);
  }

  /** Keeps every logged metric in memory, by key, in logging order. */
  static final class RecordingTracker implements Tracker {
    final Map<String, List<Double>> metrics = new TreeMap<>();

    @Override
    public String startRun(String experiment, String runName, String parentRunId, Map<String, String> tags) {
      return runName;
    }

    @Override
    public void logParams(String runId, Map<String, String> params) {}

    @Override
    public synchronized void logMetric(String runId, String key, double value, long step) {
      metrics.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    @Override
    public void setTags(String runId, Map<String, String> tags) {}

    @Override
    public void logArtifact(String runId, Path file, String artifactPath) {}

    @Override
    public void endRun(String runId, String status) {}
  }
}
