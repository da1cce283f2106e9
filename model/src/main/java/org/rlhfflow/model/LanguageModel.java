package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.CheckpointMeta;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.nn.Init;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * A {@link Gpt} with its tokenizer, owning the NDManager its weights live on.
 *
 * <pre>{@code
 * try (LanguageModel lm = LanguageModel.create(GptConfig.TINY, new ByteTokenizer(), seed);
 *     NDManager step = lm.manager().newSubManager()) {
 *   NDArray logp = lm.tokenLogprobs(ids, mask); // (B, T)
 * }
 * }</pre>
 */
public final class LanguageModel implements AutoCloseable {
  public static final String KIND = "lm";

  private final NDManager manager;
  private final Gpt gpt;
  private final Tokenizer tokenizer;
  private final CheckpointMeta loadedMeta;
  private final LinkedHashMap<String, NDArray> loadedExtras;

  private LanguageModel(
      NDManager manager, Gpt gpt, Tokenizer tokenizer, Checkpoint.Loaded loaded) {
    this.manager = manager;
    this.gpt = gpt;
    this.tokenizer = tokenizer;
    this.loadedMeta = loaded == null ? null : loaded.meta();
    this.loadedExtras = loaded == null ? new LinkedHashMap<>() : loaded.extras();
  }

  /** A freshly initialised model (float32). */
  public static LanguageModel create(GptConfig config, Tokenizer tokenizer, long seed) {
    return create(config, tokenizer, seed, DataType.FLOAT32);
  }

  /** A freshly initialised model of the given float type (FLOAT64 for gradient checks). */
  public static LanguageModel create(GptConfig config, Tokenizer tokenizer, long seed, DataType type) {
    checkVocab(config, tokenizer);
    NDManager manager = NDManager.newBaseManager();
    Gpt gpt = new Gpt(config);
    gpt.initialize(manager, seed, type);
    return new LanguageModel(manager, gpt, tokenizer, null);
  }

  /** A model holding copies of {@code weights} (keys as {@link Gpt#namedParameters()}). */
  public static LanguageModel fromWeights(
      GptConfig config, Tokenizer tokenizer, Map<String, NDArray> weights) {
    checkVocab(config, tokenizer);
    NDManager manager = NDManager.newBaseManager();
    Gpt gpt = new Gpt(config);
    Weights.assign(gpt, weights, manager);
    return new LanguageModel(manager, gpt, tokenizer, null);
  }

  /** Loads a checkpoint directory written by {@link #save}; extras stay available. */
  public static LanguageModel load(Path dir) throws IOException {
    CheckpointMeta meta = Checkpoint.readMeta(dir);
    Tokenizer tokenizer = Tokenizer.fromDescription(meta.tokenizer(), dir);
    checkVocab(meta.config(), tokenizer);
    NDManager manager = NDManager.newBaseManager();
    try {
      Gpt gpt = new Gpt(meta.config());
      Checkpoint.Loaded loaded = Checkpoint.load(dir, manager, gpt.parameterShapes());
      for (Map.Entry<String, Parameter> e : gpt.namedParameters().entrySet()) {
        Init.setArray(e.getValue(), loaded.model().get(e.getKey()));
      }
      return new LanguageModel(manager, gpt, tokenizer, loaded);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static void checkVocab(GptConfig config, Tokenizer tokenizer) {
    if (config.vocabSize() < tokenizer.vocabSize()) {
      throw new IllegalArgumentException(
          "config vocabSize=" + config.vocabSize() + " < tokenizer vocabSize=" + tokenizer.vocabSize());
    }
  }

  /**
   * Writes a checkpoint directory.
   *
   * @param extras extra tensors to store beside the weights, e.g. {@code optim.*} moments
   */
  public void save(
      Path dir, long step, String specHash, JsonNode trainingState, Map<String, NDArray> extras)
      throws IOException {
    save(dir, step, SpecStamp.hashOnly(specHash), trainingState, extras);
  }

  /** Writes a checkpoint whose sidecar embeds the resolved spec. */
  public void save(
      Path dir, long step, SpecStamp spec, JsonNode trainingState, Map<String, NDArray> extras)
      throws IOException {
    CheckpointMeta meta =
        CheckpointMeta.of(KIND, config(), tokenizer.describe(), spec, step, trainingState);
    java.nio.file.Files.createDirectories(dir);
    tokenizer.saveFiles(dir.toAbsolutePath());
    Checkpoint.save(dir, meta, weights(), extras);
  }

  /** Next-token logits (B, T, V). */
  public NDArray logits(NDArray ids, NDArray mask) {
    return gpt.logits(gpt.hidden(ids, mask));
  }

  /** log p(ids[b,t] | ids[b,<t]) as (B, T); see {@link Scoring} for the alignment. */
  public NDArray tokenLogprobs(NDArray ids, NDArray mask) {
    return Scoring.tokenLogprobs(logits(ids, mask), ids, mask);
  }

  /** Log-probs and entropies (B, T) from one forward pass. */
  public Scoring.TokenScores scoreTokens(NDArray ids, NDArray mask) {
    return Scoring.score(logits(ids, mask), ids, mask, true);
  }

  /** The trainable parameters by checkpoint key, for an optimizer. */
  public ai.djl.nn.ParameterList parameters() {
    return gpt.getParameters();
  }

  /** The live parameter arrays by checkpoint key (not copies: an optimizer updates these). */
  public LinkedHashMap<String, NDArray> weights() {
    return Weights.arrays(gpt);
  }

  public Gpt gpt() {
    return gpt;
  }

  public GptConfig config() {
    return gpt.config();
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public NDManager manager() {
    return manager;
  }

  /** The sidecar this model was loaded from, or null if it was created fresh. */
  public CheckpointMeta checkpointMeta() {
    return loadedMeta;
  }

  /** Extra tensors (e.g. {@code optim.*}) from the loaded checkpoint; empty if none. */
  public LinkedHashMap<String, NDArray> checkpointExtras() {
    return loadedExtras;
  }

  @Override
  public void close() {
    if (tokenizer instanceof AutoCloseable) {
      try {
        ((AutoCloseable) tokenizer).close();
      } catch (Exception e) {
        throw new IllegalStateException("closing tokenizer", e);
      }
    }
    manager.close();
  }
}
