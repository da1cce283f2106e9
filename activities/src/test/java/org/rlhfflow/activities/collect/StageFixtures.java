package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.nio.file.Path;
import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;

/** Local services, contexts and stored NANO models for the collect and evaluate stage tests. */
public final class StageFixtures {
  private StageFixtures() {}

  public static StageServices services(Path tmp) throws IOException {
    return new StageServices(
        new LocalArtifactStore(tmp.resolve("a")), new LocalTracker(tmp.resolve("m")), tmp.resolve("s"));
  }

  public static StageContext context(String yaml) {
    ExperimentSpec spec = SpecLoader.parse(yaml, "test.yaml");
    return new StageContext(spec.name(), "wf-test", null, spec.canonicalJson(), spec.sha256(), List.of());
  }

  /** A freshly initialised NANO language model, stored as a checkpoint directory. */
  public static ArtifactRef nanoPolicy(StageServices services, Path tmp, long seed) throws IOException {
    Path dir = tmp.resolve("lm-" + seed);
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), seed)) {
      lm.save(dir, 0, "test", null, Map.of());
      return services.store().putDirectory(dir);
    }
  }

  /**
   * A NANO policy that writes uniformly random digits and never stops: ln_f's weight is zeroed, so
   * every position's hidden state is ln_f's bias, which points along the (shared) embedding of the
   * ten digits. Its responses get varied, non-zero digits-task oracle scores.
   */
  public static ArtifactRef digitPolicy(StageServices services, Path tmp, long seed) throws IOException {
    Path dir = tmp.resolve("digits-lm-" + seed);
    ByteTokenizer tok = new ByteTokenizer();
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, tok, seed)) {
      Map<String, NDArray> w = lm.weights();
      int dim = GptConfig.NANO.nEmbd();
      float[] wte = w.get("wte.weight").toFloatArray(); // (V, C) row-major
      for (int id : tok.encode("0123456789")) {
        Arrays.fill(wte, id * dim, (id + 1) * dim, 0f);
        wte[id * dim] = 1f; // every digit embeds as the unit vector e_0
      }
      w.get("wte.weight").set(wte);
      w.get("ln_f.weight").set(new float[dim]);
      float[] bias = new float[dim];
      bias[0] = 20f; // digit logits 20; others |wte[v, 0]| * 20 ~ 0.4 at init std 0.02
      w.get("ln_f.bias").set(bias);
      lm.save(dir, 0, "test", null, Map.of());
      return services.store().putDirectory(dir);
    }
  }

  /** A NANO reward model with a fresh trunk and head, stored as a checkpoint directory. */
  public static ArtifactRef nanoRewardModel(StageServices services, Path tmp, long seed) throws IOException {
    Path dir = tmp.resolve("rm-" + seed);
    try (ScalarHeadModel rm = ScalarHeadModel.create(
        ScalarHeadModel.Kind.REWARD, GptConfig.NANO, new ByteTokenizer(), seed)) {
      rm.save(dir, 0, "test", null, Map.of());
      return services.store().putDirectory(dir);
    }
  }
}
