package org.rlhfflow.activities;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.hf.HfGpt2;
import org.rlhfflow.model.hf.HfLlama;
import org.rlhfflow.model.hf.HfLlamaConfig;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.model.tokenizer.HfTokenizer;
import org.rlhfflow.model.tokenizer.Tokenizer;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.ModelSpec;
import org.rlhfflow.store.ArtifactRef;

/** Where stages get their models: the spec's base model, or a stored checkpoint by reference. */
public final class Models {
  private Models() {}

  /**
   * The base model the spec names: a Hugging Face GPT-2, Llama, Qwen2 or Mistral directory when
   * {@code model.hf_checkpoint} is set, else a fresh preset initialised from (seed, "base").
   */
  public static LanguageModel base(ExperimentSpec spec) throws IOException {
    ModelSpec m = spec.model();
    if (m.hfCheckpoint() != null) {
      Path dir = Path.of(m.hfCheckpoint());
      if (!Files.isDirectory(dir)) {
        throw new StageFailures.ValidationException(
            "model.hf_checkpoint: " + dir + " is not a directory (expected config.json + model.safetensors)");
      }
      if (HfLlamaConfig.isLlamaFamily(dir.resolve("config.json"))) {
        // Llama, Qwen2, Mistral: always their own tokenizer (tokenizer.json + tokenizer_config.json)
        return HfLlama.importModel(dir);
      }
      return m.tokenizer() == ModelSpec.Tokenizer.HF
          ? HfGpt2.importModel(dir, HfTokenizer.gpt2(dir.resolve(HfTokenizer.FILE_NAME)))
          : HfGpt2.importModel(dir);
    }
    if (m.tokenizer() == ModelSpec.Tokenizer.HF) {
      throw new StageFailures.ValidationException("model.tokenizer: hf needs model.hf_checkpoint");
    }
    Tokenizer tok = new ByteTokenizer();
    GptConfig config = preset(m.preset()).withVocabSize(tok.vocabSize()).withBlockSize(m.blockSize());
    return LanguageModel.create(config, tok, Seeds.derive(spec.seed(), "base"));
  }

  public static GptConfig preset(ModelSpec.Preset preset) {
    return switch (preset) {
      case NANO -> GptConfig.NANO;
      case MICRO -> GptConfig.MICRO;
      case TINY -> GptConfig.TINY;
      case MINI -> GptConfig.MINI;
      case SMALL -> GptConfig.SMALL;
      case GPT2_SMALL -> GptConfig.GPT2_SMALL;
    };
  }

  /** Downloads a checkpoint directory stored with putDirectory, verifying every file. */
  public static Path fetch(StageRun run, ArtifactRef ref, String name) throws IOException {
    Path dir = run.workDir("inputs").resolve(name + "-" + ref.sha256().substring(0, 12));
    if (Files.isDirectory(dir)) {
      return dir; // fetched whole by an earlier attempt (see the rename below); blobs are immutable
    }
    // Download beside it and rename: a worker killed mid-download leaves no half directory behind.
    Path tmp = Files.createTempDirectory(dir.getParent(), name + ".part");
    run.services().store().getDirectory(ref, tmp);
    Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return dir;
  }

  /** Loads a stored reward, value or classifier checkpoint (an adapter checkpoint fetches its base). */
  public static org.rlhfflow.model.ScalarHeadModel loadScalarHead(StageRun run, ArtifactRef ref, String name)
      throws IOException {
    return org.rlhfflow.model.ScalarHeadModel.load(fetch(run, ref, name), LoraModels.resolver(run));
  }

  /** Loads a stored language-model checkpoint. */
  public static LanguageModel loadLanguageModel(StageRun run, ArtifactRef ref, String name) throws IOException {
    return LanguageModel.load(fetch(run, ref, name), LoraModels.resolver(run)); // adapters fetch their base
  }
}
