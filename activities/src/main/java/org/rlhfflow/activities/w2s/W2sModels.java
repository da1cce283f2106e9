package org.rlhfflow.activities.w2s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.hf.HfGpt2;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.model.tokenizer.HfTokenizer;
import org.rlhfflow.spec.ModelSpec;

/**
 * The models a sweep names: a preset ({@code nano} ... {@code small}, {@code gpt2_small}) or a
 * Hugging Face GPT-2 directory. Presets start from random weights; an HF directory starts from its
 * pretrained trunk, as in the paper. Either way the classifier head starts at zero.
 */
final class W2sModels {
  private W2sModels() {}

  /** The preset a name denotes, or null when it is a directory. */
  static ModelSpec.Preset preset(String name) {
    for (ModelSpec.Preset p : ModelSpec.Preset.values()) {
      if (p.name().equalsIgnoreCase(name)) {
        return p;
      }
    }
    return null;
  }

  /** The shape of the named model at the spec's block size; fails clearly on an unknown name. */
  static GptConfig config(String name, ModelSpec spec, String key) {
    ModelSpec.Preset p = preset(name);
    if (p != null) {
      return Models.preset(p).withVocabSize(new ByteTokenizer().vocabSize()).withBlockSize(spec.blockSize());
    }
    Path dir = Path.of(name);
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new ValidationException(key + ": \"" + name + "\" is neither a preset (nano, micro, tiny, mini, small, "
          + "gpt2_small) nor a Hugging Face GPT-2 directory with config.json");
    }
    try {
      return HfGpt2.readConfig(dir.resolve("config.json"));
    } catch (IOException e) {
      throw new ValidationException(key + ": cannot read " + dir.resolve("config.json") + ": " + e.getMessage());
    }
  }

  /**
   * A fresh classifier: a random preset trunk (byte tokenizer), or the HF directory's pretrained
   * one with the directory's own tokenizer.json when it has one. Each model encodes the texts with
   * its own tokenizer; labels travel per row, so weak and strong need not share one.
   */
  static ScalarHeadModel classifier(String name, ModelSpec spec, long seed) throws IOException {
    ModelSpec.Preset p = preset(name);
    if (p != null) {
      return ScalarHeadModel.create(ScalarHeadModel.Kind.CLASSIFIER, config(name, spec, "model"), new ByteTokenizer(),
          seed);
    }
    Path dir = Path.of(name);
    Path tokenizer = dir.resolve(HfTokenizer.FILE_NAME);
    LanguageModel lm = Files.isRegularFile(tokenizer)
        ? HfGpt2.importModel(dir, HfTokenizer.gpt2(tokenizer))
        : HfGpt2.importModel(dir);
    try {
      return ScalarHeadModel.fromLanguageModel(ScalarHeadModel.Kind.CLASSIFIER, lm, seed); // copies the trunk
    } finally {
      lm.manager().close(); // not lm.close(): that would also close the tokenizer the classifier now uses
    }
  }

  /** A classifier on the trunk of a language model this sweep pretrained ({@code W2sPretrain}'s checkpoint). */
  static ScalarHeadModel classifier(Path pretrained, long seed) throws IOException {
    LanguageModel lm = LanguageModel.load(pretrained);
    try {
      return ScalarHeadModel.fromLanguageModel(ScalarHeadModel.Kind.CLASSIFIER, lm, seed); // copies the trunk
    } finally {
      lm.manager().close(); // as above: the classifier keeps the tokenizer
    }
  }

  /** A short label for tables and plots: the preset name, or the directory's last component. */
  static String label(String name) {
    ModelSpec.Preset p = preset(name);
    return p != null ? p.name().toLowerCase(Locale.ROOT) : Path.of(name).getFileName().toString();
  }
}
