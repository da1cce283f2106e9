package org.rlhfflow.activities;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rlhfflow.model.Decoder;
import org.rlhfflow.model.DecoderConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.hf.HfGpt2;
import org.rlhfflow.model.hf.HfLlamaConfig;
import org.rlhfflow.model.lora.Lora;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.model.nn.Module;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.LoraSpec;
import org.rlhfflow.store.ArtifactRef;

/**
 * {@code model.lora} in the stages: a stage's trained model becomes its starting weights, frozen
 * and stored once as a content-addressed checkpoint (the base), plus fresh adapters. Checkpoints
 * then hold the adapters and the base's sha256 ({@link LoraCheckpoint}); loading fetches the base.
 * A stage that starts from an earlier stage's adapters folds them in first, so its base, and so
 * its reference with the adapters off, is exactly the model it started from.
 *
 * <pre>{@code
 * LanguageModel policy = LoraModels.adapt(run, Models.loadLanguageModel(run, sft, "sft"), sft, "dpo");
 * }</pre>
 */
public final class LoraModels {
  private LoraModels() {}

  /**
   * Fails when a target names no Linear of the spec's model, naming the field and listing the
   * model's modules; reads only config.json. For {@code rlhf spec check} and the pipeline's first
   * activity, so that a typo fails before any training.
   */
  public static void checkTargets(ExperimentSpec spec) {
    LoraSpec lora = spec.model().lora();
    if (lora == null) {
      return;
    }
    String problem;
    try {
      problem = Lora.unmatched((Module) Decoder.of(decoderConfig(spec)), lora.targets());
    } catch (IOException e) {
      throw new StageFailures.ValidationException("model.hf_checkpoint: " + e.getMessage());
    }
    if (problem != null) {
      throw new StageFailures.ValidationException(problem);
    }
  }

  private static DecoderConfig decoderConfig(ExperimentSpec spec) throws IOException {
    if (spec.model().hfCheckpoint() == null) {
      return Models.preset(spec.model().preset()); // module names do not depend on the vocabulary
    }
    Path config = Path.of(spec.model().hfCheckpoint()).resolve("config.json");
    if (!Files.exists(config)) {
      throw new IOException(config + ": missing");
    }
    return HfLlamaConfig.isLlamaFamily(config) ? HfLlamaConfig.read(config) : HfGpt2.readConfig(config);
  }

  /**
   * The model a stage trains. Without {@code model.lora}, {@code lm} itself, untouched. With it:
   * {@code lm}'s adapters (if any) folded in, its weights stored as the base (unless {@code stored}
   * already is exactly them) and fresh adapters attached from the (seed, stage, "lora") stream.
   *
   * @param stored the artifact {@code lm} was loaded from, or null (a fresh or imported model)
   * @return {@code lm}; on failure {@code lm} is closed
   */
  public static LanguageModel adapt(StageRun run, LanguageModel lm, ArtifactRef stored, String stage)
      throws IOException {
    LoraSpec spec = run.spec().model().lora();
    if (spec == null) {
      return lm;
    }
    try {
      lm.attachLora(spec.config(), seed(run, stage), storeBase(run, lm, stored));
      return lm;
    } catch (IOException | RuntimeException e) {
      lm.close(); // the caller never gets it
      throw e;
    }
  }

  /** The adapters' initialisation stream of {@code stage}. */
  public static long seed(StageRun run, String stage) {
    return Seeds.derive(run.spec().seed(), stage, "lora");
  }

  /**
   * Folds {@code lm}'s adapters (if any) into it and names its weights as a stored base: {@code
   * stored} itself when that is exactly them, else a new content-addressed checkpoint.
   */
  public static LoraCheckpoint.Base storeBase(StageRun run, LanguageModel lm, ArtifactRef stored) throws IOException {
    if (lm.lora() == null && stored != null) {
      return baseOf(stored);
    }
    lm.foldLora();
    Path dir = run.workDir("lora-base");
    lm.save(dir, 0, CheckpointSpecs.of(run.context()), null, null);
    return baseOf(run.services().store().putDirectory(dir));
  }

  /**
   * {@code f} applied to the reference policy: {@code frozen} (a separate SFT model) when there is
   * one, else {@code policy} with its adapters switched off for the call, which is the base bit
   * for bit (LoRA: no second copy of the weights).
   */
  public static <T> T reference(LanguageModel policy, LanguageModel frozen,
      java.util.function.Function<LanguageModel, T> f) {
    if (frozen != null) {
      return f.apply(frozen);
    }
    policy.lora().setEnabled(false);
    try {
      return f.apply(policy);
    } finally {
      policy.lora().setEnabled(true);
    }
  }

  /** The output name of a tuned policy with its adapters merged in: a plain checkpoint to deploy or export. */
  public static final String MERGED = "merged";

  /**
   * Adds {@value #MERGED} to {@code outputs} when {@code policy} has adapters: they are folded into
   * its weights in place (W + (alpha / r) B A, no copy) and the plain model is stored. Call it last,
   * after the adapter checkpoint is written: the policy has no adapters afterwards.
   */
  public static void putMerged(StageRun run, LanguageModel policy, java.util.Map<String, ArtifactRef> outputs)
      throws IOException {
    if (policy.lora() == null) {
      return;
    }
    policy.foldLora();
    Path dir = run.workDir(MERGED);
    policy.save(dir, 0, CheckpointSpecs.of(run.context()), null, null);
    outputs.put(MERGED, run.services().store().putDirectory(dir));
  }

  /** A store-relative name (as directory indexes use), so a checkpoint's bytes do not depend on the store. */
  static LoraCheckpoint.Base baseOf(ArtifactRef ref) {
    return new LoraCheckpoint.Base("sha256/" + ref.sha256(), ref.sha256());
  }

  /** Resolves an adapter checkpoint's base through the stage's artifact store (verified by sha256). */
  public static LoraCheckpoint.BaseResolver resolver(StageRun run) {
    return base -> Models.fetch(run, new ArtifactRef(base.uri(), base.sha256(), 0), "lora-base");
  }
}
