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
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.ckpt.CheckpointMeta;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.lora.Lora;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.model.lora.LoraConfig;
import org.rlhfflow.model.nn.Ops;
import org.rlhfflow.model.nn.Init;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * A {@link Decoder} of either family ({@link Gpt} or {@link Llama}) with its tokenizer, owning the
 * NDManager its weights live on.
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
  private final Decoder gpt;
  private final Tokenizer tokenizer;
  private CheckpointMeta loadedMeta;
  private LinkedHashMap<String, NDArray> loadedExtras;
  private Lora lora;
  private LoraCheckpoint.Base loraBase;

  private LanguageModel(
      NDManager manager, Decoder gpt, Tokenizer tokenizer, Checkpoint.Loaded loaded) {
    this.manager = manager;
    this.gpt = gpt;
    this.tokenizer = tokenizer;
    this.loadedMeta = loaded == null ? null : loaded.meta();
    this.loadedExtras = loaded == null ? new LinkedHashMap<>() : loaded.extras();
  }

  /** A freshly initialised model (float32). */
  public static LanguageModel create(DecoderConfig config, Tokenizer tokenizer, long seed) {
    return create(config, tokenizer, seed, DataType.FLOAT32);
  }

  /** A freshly initialised model of the given float type (FLOAT64 for gradient checks). */
  public static LanguageModel create(
      DecoderConfig config, Tokenizer tokenizer, long seed, DataType type) {
    checkVocab(config, tokenizer);
    NDManager manager = NDManager.newBaseManager();
    Decoder gpt = Decoder.create(config, manager, seed, type);
    return new LanguageModel(manager, gpt, tokenizer, null);
  }

  /** A model holding copies of {@code weights} (keys as {@link Decoder#namedParameters()}). */
  public static LanguageModel fromWeights(
      DecoderConfig config, Tokenizer tokenizer, Map<String, NDArray> weights) {
    checkVocab(config, tokenizer);
    NDManager manager = NDManager.newBaseManager();
    Decoder gpt = Decoder.of(config);
    Weights.assign(gpt, weights, manager);
    return new LanguageModel(manager, gpt, tokenizer, null);
  }

  /**
   * Loads a checkpoint directory written by {@link #save}; extras stay available. An adapter
   * checkpoint ({@link LoraCheckpoint#FILE}) needs {@link #load(Path, LoraCheckpoint.BaseResolver)}.
   */
  public static LanguageModel load(Path dir) throws IOException {
    return load(dir, base -> {
      throw new CheckpointException(dir.resolve(LoraCheckpoint.FILE), "base",
          "an adapter checkpoint: load it with a resolver for its base " + base.sha256());
    });
  }

  /**
   * Loads a full checkpoint, or an adapter checkpoint: its base (fetched by {@code bases}, a full
   * checkpoint) with the stored adapters attached and enabled. The sidecar, step and extras are
   * the adapter checkpoint's.
   */
  public static LanguageModel load(Path dir, LoraCheckpoint.BaseResolver bases) throws IOException {
    java.util.Optional<LoraCheckpoint> adapters = LoraCheckpoint.read(dir);
    if (adapters.isEmpty()) {
      return loadFull(dir);
    }
    LanguageModel lm = loadFull(bases.fetch(adapters.get().base()));
    try {
      lm.attachLora(adapters.get().config(), 0, adapters.get().base()); // A is overwritten below
      Checkpoint.Loaded loaded = Checkpoint.load(dir, lm.manager, lm.lora.shapes());
      try (NoGrad ng = NoGrad.enter()) {
        lm.lora.load(loaded.model());
      }
      lm.loadedMeta = loaded.meta();
      lm.loadedExtras = loaded.extras();
      return lm;
    } catch (IOException | RuntimeException e) {
      lm.close();
      throw e;
    }
  }

  private static LanguageModel loadFull(Path dir) throws IOException {
    CheckpointMeta meta = Checkpoint.readMeta(dir);
    Tokenizer tokenizer = Tokenizer.fromDescription(meta.tokenizer(), dir);
    checkVocab(meta.config(), tokenizer);
    NDManager manager = NDManager.newBaseManager();
    try {
      Decoder gpt = Decoder.of(meta.config());
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

  private static void checkVocab(DecoderConfig config, Tokenizer tokenizer) {
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
    if (lora != null) { // adapters only; the base is stored once and named by its digest
      new LoraCheckpoint(lora.config(), loraBase).write(dir);
    }
    Checkpoint.save(dir, meta, trainableWeights(), extras);
  }

  /**
   * Adds LoRA adapters (Hu et al. 2021) and freezes every base weight: from now on {@link
   * #parameters()} and checkpoints hold only the adapters, and checkpoints name {@code base}, the
   * stored checkpoint of the current weights, instead of copying them.
   *
   * @param seed the adapters' initialisation stream (A; B starts at zero)
   */
  public Lora attachLora(LoraConfig config, long seed, LoraCheckpoint.Base base) {
    if (lora != null) {
      throw new IllegalStateException("adapters are already attached; fold them first");
    }
    lora = Lora.attach((org.rlhfflow.model.nn.Module) gpt, config, manager, seed);
    loraBase = java.util.Objects.requireNonNull(base, "base");
    return lora;
  }

  /** Folds attached adapters into the weights in place (see {@link Lora#fold}); a no-op without. */
  public void foldLora() {
    if (lora != null) {
      lora.fold();
      lora = null;
      loraBase = null;
      gpt.namedParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
    }
  }

  /** The attached adapters, or null. */
  public Lora lora() {
    return lora;
  }

  /** The stored base the attached adapters adapt, or null without adapters. */
  public LoraCheckpoint.Base loraBase() {
    return loraBase;
  }

  /** What trains and what a checkpoint holds: the adapters with LoRA, else every weight. */
  public LinkedHashMap<String, NDArray> trainableWeights() {
    return lora != null ? lora.weights() : weights();
  }

  /**
   * The weights to export, with the adapters merged in (W + (alpha / r) B A) as new arrays on
   * {@code m}: transformers then loads a plain checkpoint. Without LoRA, the live weights.
   */
  public LinkedHashMap<String, NDArray> mergedWeights(NDManager m) {
    return lora != null ? lora.merged(m) : weights();
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

  /**
   * Log-probs (and entropies) under the distribution the generator samples from at {@code
   * temperature}: logits divided by it and BOS/PAD removed, as {@code Generator} does. PPO's ratio,
   * its KL and the evaluation KL must use these, not the temperature-1 softmax (Huang et al. 2024,
   * detail 23; TRL divides logits by the temperature). Logits are built one row chunk at a time.
   */
  public Scoring.TokenScores scoreSampled(NDArray ids, NDArray mask, double temperature, boolean entropy) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("scoring temperature must be > 0, got " + temperature
          + " (greedy decoding has no distribution to score)");
    }
    return scoreSampled(gpt.hidden(ids, mask), ids, mask, temperature, entropy);
  }

  /**
   * As {@link #scoreSampled(NDArray, NDArray, double, boolean)} from this model's final hidden
   * states (B, T, C), already computed: a value head sharing the trunk reads the same ones, so PPO
   * runs the trunk once for both (one forward, one backward through it).
   */
  public Scoring.TokenScores scoreSampled(NDArray hidden, NDArray ids, NDArray mask, double temperature,
      boolean entropy) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("scoring temperature must be > 0, got " + temperature
          + " (greedy decoding has no distribution to score)");
    }
    NDArray bias = blockBias(hidden.getManager());
    boolean inPlace = !ai.djl.pytorch.jni.JniUtils.isGradMode(); // the head's output is its own
    java.util.function.UnaryOperator<NDArray> head = h -> {
      NDArray z = gpt.logits(h); // (1, n, V)
      if (temperature != 1.0) {
        z = inPlace ? z.divi(temperature) : Ops.div(z, temperature);
      }
      return bias == null ? z : inPlace ? z.addi(bias) : z.add(bias);
    };
    return Scoring.scoreHidden(hidden, head, true, ids, mask, entropy,
        Scoring.positionsPerChunk(config().vocabSize()));
  }

  /**
   * (V) with a large negative value at BOS and PAD, or null. Finite, not -inf: a masked-out PAD
   * position would otherwise give 0 * -inf = NaN.
   */
  private NDArray blockBias(NDManager m) {
    int[] blocked = GenerationConfig.blocked(tokenizer.bosId(), tokenizer.padId(), tokenizer.eosId());
    if (blocked.length == 0) {
      return null;
    }
    float[] bias = new float[config().vocabSize()];
    for (int id : blocked) {
      if (id < bias.length) {
        bias[id] = -1e9f;
      }
    }
    return m.create(bias);
  }

  /** The trainable parameters by checkpoint key, for an optimizer. */
  public ai.djl.nn.ParameterList parameters() {
    return lora != null ? lora.parameters() : gpt.getParameters();
  }

  /** The live parameter arrays by checkpoint key (not copies: an optimizer updates these). */
  public LinkedHashMap<String, NDArray> weights() {
    return Weights.arrays(gpt);
  }

  /** The decoder, of either family. */
  public Decoder decoder() {
    return gpt;
  }

  /** The decoder; the name predates the Llama family and is kept so that callers compile. */
  public Decoder gpt() {
    return gpt;
  }

  public DecoderConfig config() {
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
