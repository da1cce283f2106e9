package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.CheckpointMeta;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.lora.Lora;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.model.lora.LoraConfig;
import org.rlhfflow.model.nn.Init;
import org.rlhfflow.model.nn.LinearLayer;
import org.rlhfflow.model.nn.Module;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * A decoder trunk (either family) plus Linear(C -> 1): the reward model (a scalar read at each row's last real token,
 * Ouyang et al. 2022) or the PPO critic (a value per token); or, as {@link Kind#CLASSIFIER}, a
 * zero-initialised Linear(C -> 2) read at the last real token, the weak-to-strong binary
 * classifier (openai/weak-to-strong's {@code TransformerWithHead}). By default it owns a separate trunk,
 * as TRL does; {@link #sharingTrunk} instead reuses the policy's trunk (one model, two heads).
 *
 * <pre>{@code
 * try (ScalarHeadModel rm = ScalarHeadModel.fromLanguageModel(Kind.REWARD, sft, seed)) {
 *   NDArray r = rm.rewards(ids, mask); // (B)
 * }
 * }</pre>
 */
public final class ScalarHeadModel implements AutoCloseable {
  /** What the scalar means; also the checkpoint kind. */
  public enum Kind {
    REWARD,
    VALUE,
    /** Two logits at the last real token; the head starts at zero, so p = 0.5 before training. */
    CLASSIFIER;

    int outputs() {
      return this == CLASSIFIER ? 2 : 1;
    }

    String checkpointKind() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;
  private final NDManager manager;
  private final Decoder trunk;
  private final boolean sharedTrunk;
  private final Head head;
  private final Tokenizer tokenizer;
  private Lora lora;
  private LoraCheckpoint.Base loraBase;

  private ScalarHeadModel(
      Kind kind, NDManager manager, Decoder trunk, boolean shared, Tokenizer tok) {
    this.kind = kind;
    this.manager = manager;
    this.trunk = trunk;
    this.sharedTrunk = shared;
    this.head = new Head(trunk.config().hiddenSize(), kind);
    this.tokenizer = tok;
  }

  /** A separate trunk initialised as a copy of {@code lm}'s weights, and a fresh head. */
  public static ScalarHeadModel fromLanguageModel(Kind kind, LanguageModel lm, long seed) {
    NDManager manager = NDManager.newBaseManager();
    Decoder trunk = Decoder.of(lm.config());
    Weights.assign(trunk, lm.weights(), manager);
    ScalarHeadModel m = new ScalarHeadModel(kind, manager, trunk, false, lm.tokenizer());
    m.initHead(seed, lm.gpt().dataType());
    return m;
  }

  /** A fresh trunk and head (e.g. a reward model trained from scratch). */
  public static ScalarHeadModel create(Kind kind, DecoderConfig config, Tokenizer tok, long seed) {
    NDManager manager = NDManager.newBaseManager();
    Decoder trunk = Decoder.create(config, manager, seed, DataType.FLOAT32);
    ScalarHeadModel m = new ScalarHeadModel(kind, manager, trunk, false, tok);
    m.initHead(seed, DataType.FLOAT32);
    return m;
  }

  /** A head on the policy's own trunk; closing this model leaves the trunk to {@code lm}. */
  public static ScalarHeadModel sharingTrunk(Kind kind, LanguageModel lm, long seed) {
    ScalarHeadModel m =
        new ScalarHeadModel(kind, lm.manager().newSubManager(), lm.gpt(), true, lm.tokenizer());
    m.initHead(seed, lm.gpt().dataType());
    return m;
  }

  /** Loads a full checkpoint written by {@link #save}. */
  public static ScalarHeadModel load(Path dir) throws IOException {
    return load(dir, base -> {
      throw new org.rlhfflow.model.ckpt.CheckpointException(dir.resolve(LoraCheckpoint.FILE), "base",
          "an adapter checkpoint: load it with a resolver for its base " + base.sha256());
    });
  }

  /**
   * Loads a full checkpoint, or an adapter checkpoint: the trunk from its base (a language-model
   * checkpoint fetched by {@code bases}), then the adapters and the head from {@code dir}.
   */
  public static ScalarHeadModel load(Path dir, LoraCheckpoint.BaseResolver bases) throws IOException {
    java.util.Optional<LoraCheckpoint> adapters = LoraCheckpoint.read(dir);
    if (adapters.isEmpty()) {
      return loadFull(dir);
    }
    CheckpointMeta meta = Checkpoint.readMeta(dir);
    Kind kind = Kind.valueOf(meta.kind().toUpperCase(Locale.ROOT));
    Tokenizer tok = Tokenizer.fromDescription(meta.tokenizer(), dir);
    Path baseDir = bases.fetch(adapters.get().base());
    NDManager manager = NDManager.newBaseManager();
    try {
      ScalarHeadModel m = new ScalarHeadModel(kind, manager, Decoder.of(meta.config()), false, tok);
      Checkpoint.Loaded base = Checkpoint.load(baseDir, manager, m.trunk.parameterShapes());
      m.trunk.namedParameters().forEach((k, p) -> Init.setArray(p, base.model().get(k)));
      m.attachLora(adapters.get().config(), 0, adapters.get().base()); // A is overwritten below
      Checkpoint.Loaded own = Checkpoint.load(dir, manager, m.trainableShapes());
      try (NoGrad ng = NoGrad.enter()) {
        m.lora.load(own.model());
      }
      m.head.namedParameters().forEach((k, p) -> Init.setArray(p, own.model().get(k)));
      return m;
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static ScalarHeadModel loadFull(Path dir) throws IOException {
    CheckpointMeta meta = Checkpoint.readMeta(dir);
    Kind kind = Kind.valueOf(meta.kind().toUpperCase(Locale.ROOT));
    Tokenizer tok = Tokenizer.fromDescription(meta.tokenizer(), dir);
    NDManager manager = NDManager.newBaseManager();
    try {
      ScalarHeadModel m = new ScalarHeadModel(kind, manager, Decoder.of(meta.config()), false, tok);
      Checkpoint.Loaded loaded = Checkpoint.load(dir, manager, m.parameterShapes());
      m.parameters().forEach((k, p) -> Init.setArray(p, loaded.model().get(k)));
      return m;
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private void initHead(long seed, DataType type) {
    if (kind == Kind.CLASSIFIER) {
      // Zero head as in the reference: every example starts at p = 0.5, so early weak labels are
      // not biased by a random readout (openai/weak-to-strong, weak_to_strong/model.py).
      head.parameterShapes().forEach((k, shape) -> Init.setArray(head.namedParameters().get(k),
          manager.zeros(shape, type)));
      return;
    }
    Init.initialize(head, manager, Seeds.derive(seed, "head", kind), trunk.config().nLayer(), type);
  }

  /** Per-token scalars (B, T): values V(s_t) for the critic. */
  public NDArray values(NDArray ids, NDArray mask) {
    return head.apply(trunk.hidden(ids, mask)).squeeze(2); // (B, T)
  }

  /** {@link #values} from the trunk's final hidden states (B, T, C), computed by the caller. */
  public NDArray valuesFromHidden(NDArray hidden) {
    return head.apply(hidden).squeeze(2); // (B, T)
  }

  /** The scalar at each row's last real token (B): the reward model's score. */
  public NDArray rewards(NDArray ids, NDArray mask) {
    NDArray v = values(ids, mask); // (B, T)
    return v.gather(lastRealToken(ids, mask), 1).squeeze(1); // (B)
  }

  /** A classifier's two logits at each row's last real (non-pad) token, (B, 2). */
  public NDArray logits(NDArray ids, NDArray mask) {
    return logits(ids, mask, false);
  }

  /**
   * As {@link #logits(NDArray, NDArray)}; with {@code frozenTrunk} the trunk's features are cut
   * from the graph, so a backward pass reaches the head alone (a linear probe: the same values and
   * head gradients, without the trunk's backward).
   */
  public NDArray logits(NDArray ids, NDArray mask, boolean frozenTrunk) {
    NDArray features = trunk.hidden(ids, mask);
    NDArray h = head.apply(frozenTrunk ? features.stopGradient() : features); // (B, T, 2)
    long b = ids.getShape().get(0);
    NDArray last = lastRealToken(ids, mask).reshape(b, 1, 1).repeat(2, 2); // (B, 1, 2)
    return h.gather(last, 1).squeeze(1); // (B, 2)
  }

  private static NDArray lastRealToken(NDArray ids, NDArray mask) {
    long t = ids.getShape().get(1);
    NDArray idx = ids.getManager().arange(0, t, 1, DataType.INT64).reshape(1, t); // (1, T)
    return mask.toType(DataType.INT64, false).mul(idx).max(new int[] {1}, true); // (B, 1)
  }

  /** All parameters: trunk keys as in its {@link Decoder}, then {@code head.weight}, {@code head.bias}. */
  public LinkedHashMap<String, NDArray> weights() {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    parameters().forEach((k, p) -> out.put(k, p.getArray()));
    return out;
  }

  /**
   * The trainable parameters by key, for an optimizer: trunk and head, or only the head when the
   * trunk is shared (the policy's optimizer already owns the trunk).
   */
  public ai.djl.nn.ParameterList trainableParameters() {
    if (lora != null) { // the adapters and the new head: the head is not in the base (PEFT's modules_to_save)
      LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
      lora.parameters().forEach(p -> out.put(p.getKey(), p.getValue()));
      out.putAll(head.namedParameters());
      return new ai.djl.nn.ParameterList(out);
    }
    return new ai.djl.nn.ParameterList(sharedTrunk ? head.namedParameters() : parameters());
  }

  /** The head's parameters alone: a linear probe on the trunk's features. */
  public ai.djl.nn.ParameterList headParameters() {
    return new ai.djl.nn.ParameterList(head.namedParameters());
  }

  /**
   * Adds LoRA adapters to the trunk and freezes it; the head keeps training. Checkpoints then hold
   * the adapters and the head and name {@code base}, the stored language-model checkpoint whose
   * weights the trunk holds.
   */
  public Lora attachLora(LoraConfig config, long seed, LoraCheckpoint.Base base) {
    if (lora != null || sharedTrunk) {
      throw new IllegalStateException(sharedTrunk ? "a shared trunk takes adapters from its policy" : "adapters attached");
    }
    lora = Lora.attach((Module) trunk, config, manager, seed);
    loraBase = java.util.Objects.requireNonNull(base, "base");
    return lora;
  }

  /** The attached adapters, or null. */
  public Lora lora() {
    return lora;
  }

  /** The trunk's weights with any adapters merged in (new arrays on {@code m}), else the live arrays. */
  public LinkedHashMap<String, NDArray> mergedTrunkWeights(NDManager m) {
    return lora != null ? lora.merged(m) : Weights.arrays(trunk);
  }

  /** What a checkpoint holds: with LoRA the adapters and the head, else every weight. */
  public LinkedHashMap<String, NDArray> trainableWeights() {
    if (lora == null) {
      return weights();
    }
    LinkedHashMap<String, NDArray> out = lora.weights();
    out.putAll(headWeights());
    return out;
  }

  private LinkedHashMap<String, Shape> trainableShapes() {
    LinkedHashMap<String, Shape> out = lora.shapes();
    out.putAll(head.parameterShapes());
    return out;
  }

  /** Only the head's arrays (what a shared-trunk critic adds to the policy's parameters). */
  public LinkedHashMap<String, NDArray> headWeights() {
    return Weights.arrays(head);
  }

  private LinkedHashMap<String, Parameter> parameters() {
    LinkedHashMap<String, Parameter> out = trunk.namedParameters();
    out.putAll(head.namedParameters());
    return out;
  }

  private LinkedHashMap<String, Shape> parameterShapes() {
    LinkedHashMap<String, Shape> out = trunk.parameterShapes();
    out.putAll(head.parameterShapes());
    return out;
  }

  /** Writes a checkpoint (the trunk too, also when shared). */
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
        CheckpointMeta.of(kind.checkpointKind(), trunk.config(), tokenizer.describe(), spec, step, trainingState);
    java.nio.file.Files.createDirectories(dir);
    tokenizer.saveFiles(dir.toAbsolutePath());
    if (lora != null) { // adapters and head only; the base is stored once and named by its digest
      new LoraCheckpoint(lora.config(), loraBase).write(dir);
    }
    Checkpoint.save(dir, meta, trainableWeights(), extras);
  }

  public Kind kind() {
    return kind;
  }

  public Decoder trunk() {
    return trunk;
  }

  public boolean sharesTrunk() {
    return sharedTrunk;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }

  /**
   * The Linear(C -> 1) head under the checkpoint key {@code head}; Linear(C -> 2) without bias for
   * a classifier, as the reference's {@code score} layer.
   */
  private static final class Head extends Module {
    private final LinearLayer linear;

    Head(int nEmbd, Kind kind) {
      linear = child("head", new LinearLayer(nEmbd, kind.outputs(), kind != Kind.CLASSIFIER));
    }

    @Override
    public NDArray apply(NDArray hidden) {
      return linear.apply(hidden); // (B, T, outputs)
    }
  }
}
