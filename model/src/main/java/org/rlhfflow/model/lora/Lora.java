package org.rlhfflow.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.nn.Init;
import org.rlhfflow.model.nn.LinearLayer;
import org.rlhfflow.model.nn.Module;
import org.rlhfflow.model.nn.Ops;

/**
 * LoRA adapters (Hu et al. 2021) on a decoder's Linear layers: each target gets A (r, in) and B
 * (out, r) and adds (alpha / r) B A x to its output. B starts at zero, so a fresh adapter leaves
 * the model unchanged; A starts uniform in ±1/sqrt(in), as PEFT's kaiming_uniform(a=sqrt(5)).
 * The base weights are frozen (no gradient); only {@link #parameters()} train. Switching the
 * adapters off gives back the base model exactly, which is PPO's reference with no second copy.
 *
 * <pre>{@code
 * LoraConfig cfg = new LoraConfig(8, 16, List.of("q_proj", "v_proj"));
 * Lora lora = Lora.attach((Module) lm.decoder(), cfg, lm.manager(), seed);
 * optimizer = new AdamW(lora.parameters(), ...);
 * lora.setEnabled(false); // reference log-probs
 * }</pre>
 */
public final class Lora {
  /** Adapter keys are the target's key plus these suffixes, as PEFT names them. */
  public static final String A = ".lora_A.weight";

  public static final String B = ".lora_B.weight";

  /** The adapter checkpoint: adapters only, and their config with the base's digest. */
  public static final String FILE = "adapter_model.safetensors";

  public static final String META = "adapter_config.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoraConfig config;
  private final LinkedHashMap<String, LinearLayer> targets = new LinkedHashMap<>();
  private final LinkedHashMap<String, Parameter> params = new LinkedHashMap<>();
  private final LinkedHashMap<String, Parameter> frozen;
  private boolean enabled = true;

  private Lora(LoraConfig config, LinkedHashMap<String, Parameter> frozen) {
    this.config = config;
    this.frozen = frozen;
  }

  /**
   * Adds adapters to every Linear of {@code model} whose key ends with a target name, and freezes
   * the model's own parameters.
   *
   * @throws IllegalArgumentException naming {@code model.lora.targets} and the target that matches
   *     no Linear
   */
  public static Lora attach(Module model, LoraConfig config, NDManager manager, long seed) {
    Lora lora = new Lora(config, model.namedParameters());
    Map<String, Module> modules = model.namedModules();
    DataType type = model.dataType();
    for (String target : config.targets()) {
      int found = 0;
      for (Map.Entry<String, Module> e : modules.entrySet()) {
        String key = e.getKey();
        boolean named = key.equals(target) || key.endsWith("." + target);
        if (named && e.getValue() instanceof LinearLayer linear) {
          lora.add(key, linear, manager, seed, type);
          found++;
        }
      }
      if (found == 0) {
        throw new IllegalArgumentException(unmatched(model, config.targets()));
      }
    }
    lora.frozen.values().forEach(p -> p.getArray().setRequiresGradient(false));
    return lora;
  }

  /**
   * Null when every target names at least one Linear of {@code model}, else the first that names
   * none, e.g. {@code model.lora.targets[1]: 'q_prj' matches no module; modules are: [k_proj, ...]}.
   */
  public static String unmatched(Module model, java.util.List<String> targets) {
    Map<String, Module> modules = model.namedModules();
    for (int i = 0; i < targets.size(); i++) {
      String target = targets.get(i);
      boolean found = modules.entrySet().stream().anyMatch(e -> e.getValue() instanceof LinearLayer
          && (e.getKey().equals(target) || e.getKey().endsWith("." + target)));
      if (!found) {
        return "model.lora.targets[" + i + "]: '" + target + "' matches no module; modules are: "
            + linearNames(modules);
      }
    }
    return null;
  }

  private static String linearNames(Map<String, Module> modules) {
    TreeSet<String> names = new TreeSet<>();
    modules.forEach((k, m) -> {
      if (m instanceof LinearLayer) {
        names.add(k.substring(k.lastIndexOf('.') + 1));
      }
    });
    return names.toString();
  }

  private void add(String key, LinearLayer linear, NDManager manager, long seed, DataType type) {
    if (targets.containsKey(key)) {
      return; // two target names matched the same layer
    }
    int r = config.rank();
    long in = linear.inFeatures();
    double bound = 1 / Math.sqrt(in);
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "lora", key));
    double[] a = new double[Math.toIntExact(r * in)];
    for (int i = 0; i < a.length; i++) {
      a[i] = (2 * rng.nextDouble() - 1) * bound;
    }
    Parameter pa = Parameter.builder().setName(key + A).setType(Parameter.Type.WEIGHT).build();
    Parameter pb = Parameter.builder().setName(key + B).setType(Parameter.Type.WEIGHT).build();
    Init.setArray(pa, manager.create(a, new Shape(r, in)).toType(type, false));
    Init.setArray(pb, manager.zeros(new Shape(linear.outFeatures(), r), type));
    params.put(key + A, pa);
    params.put(key + B, pb);
    targets.put(key, linear);
    double scale = config.scale();
    linear.setDelta(x -> enabled ? Ops.mul(up(down(x, pa), pb), scale) : null);
  }

  private static NDArray down(NDArray x, Parameter a) {
    return Linear.linear(x, a.getArray()).head(); // (..., r)
  }

  private static NDArray up(NDArray h, Parameter b) {
    return Linear.linear(h, b.getArray()).head(); // (..., out)
  }

  /**
   * Folds every adapter into its base weight in place, W += (alpha / r) B A (the same arithmetic as
   * {@link #merged}), and detaches the adapters: the model is then a plain model again, with no
   * second copy of any weight. A stage that continues from adapters trained by an earlier stage
   * folds them first, so its own reference (adapters off) is that earlier stage's model.
   */
  public void fold() {
    for (Map.Entry<String, LinearLayer> e : targets.entrySet()) {
      NDArray a = params.get(e.getKey() + A).getArray(); // (r, in)
      NDArray b = params.get(e.getKey() + B).getArray(); // (out, r)
      NDArray w = e.getValue().weight(); // (out, in)
      try (NDManager scratch = w.getManager().newSubManager();
          org.rlhfflow.model.NoGrad ng = org.rlhfflow.model.NoGrad.enter()) {
        NDArray delta = b.matMul(a); // (out, in)
        delta.attach(scratch);
        NDArray scaled = Ops.mul(delta, config.scale());
        scaled.attach(scratch);
        w.addi(scaled);
      }
      e.getValue().setDelta(null);
    }
    params.values().forEach(p -> p.getArray().close());
    params.clear();
    targets.clear();
  }

  /** The adapters' shapes by key, as a checkpoint loader expects them. */
  public LinkedHashMap<String, Shape> shapes() {
    LinkedHashMap<String, Shape> out = new LinkedHashMap<>();
    params.forEach((k, p) -> out.put(k, p.getArray().getShape()));
    return out;
  }

  /** Adapters on (the trained model) or off (the base, e.g. PPO's reference policy). */
  public void setEnabled(boolean on) {
    this.enabled = on;
  }

  public boolean enabled() {
    return enabled;
  }

  public LoraConfig config() {
    return config;
  }

  /** Only the adapters, keyed {@code <target>.lora_A.weight} / {@code .lora_B.weight}: what trains. */
  public ParameterList parameters() {
    return new ParameterList(params);
  }

  /** The live adapter arrays by key. */
  public LinkedHashMap<String, NDArray> weights() {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    params.forEach((k, p) -> out.put(k, p.getArray()));
    return out;
  }

  /** Replaces the adapter arrays with copies of {@code saved} (keys as {@link #weights()}). */
  public void load(Map<String, NDArray> saved) {
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray src = saved.get(e.getKey());
      if (src == null || !src.getShape().equals(e.getValue().getArray().getShape())) {
        throw new IllegalArgumentException(
            "adapter '" + e.getKey() + "': " + (src == null ? "missing" : "shape " + src.getShape()
                + ", expected " + e.getValue().getArray().getShape()));
      }
      if (src.getDataType() != e.getValue().getArray().getDataType()) {
        throw new IllegalArgumentException("adapter '" + e.getKey() + "': dtype " + src.getDataType());
      }
      e.getValue().getArray().set(src.toByteBuffer()); // in place: an optimizer may hold the array
    }
  }

  /**
   * The model's weights with every adapter folded in, W + (alpha / r) B A, as new arrays on
   * {@code manager}; untargeted weights are the base's arrays. For export: transformers then
   * loads a plain checkpoint.
   */
  public LinkedHashMap<String, NDArray> merged(NDManager manager) {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    frozen.forEach((k, p) -> out.put(k, p.getArray()));
    for (Map.Entry<String, LinearLayer> e : targets.entrySet()) {
      NDArray a = params.get(e.getKey() + A).getArray(); // (r, in)
      NDArray b = params.get(e.getKey() + B).getArray(); // (out, r)
      NDArray w = e.getValue().weight(); // (out, in)
      NDArray delta = b.matMul(a); // (out, in)
      delta.attach(manager);
      NDArray mergedW = w.add(Ops.mul(delta, config.scale()));
      mergedW.attach(manager);
      out.put(e.getKey() + ".weight", mergedW);
    }
    return out;
  }

  /** A sha256 over the base weights' keys, shapes and bytes: names the base adapters were trained on. */
  public static String digest(Map<String, NDArray> base) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, NDArray> e : base.entrySet()) {
        NDArray a = e.getValue();
        md.update((e.getKey() + a.getShape() + a.getDataType()).getBytes(StandardCharsets.UTF_8));
        md.update(a.toByteBuffer());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The frozen base's digest (see {@link #digest}). */
  public String baseDigest() {
    LinkedHashMap<String, NDArray> base = new LinkedHashMap<>();
    frozen.forEach((k, p) -> base.put(k, p.getArray()));
    return digest(base);
  }

  /**
   * Writes only the adapters ({@value #FILE}) and {@value #META} with the config and the base's
   * digest; the base itself is not copied.
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Safetensors.write(dir.resolve(FILE), weights(), Map.of("base_sha256", baseDigest()));
    ObjectNode meta = JSON.createObjectNode();
    meta.put("rank", config.rank()).put("alpha", config.alpha()).put("base_sha256", baseDigest());
    config.targets().forEach(meta.putArray("targets")::add);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(META).toFile(), meta);
  }

  /**
   * Loads adapters written by {@link #save} into this (same-config) Lora.
   *
   * @throws CheckpointException naming {@value #META} and {@code base_sha256} when the adapters
   *     were trained on another base
   */
  public void restore(Path dir, NDManager manager) throws IOException {
    Path metaFile = dir.resolve(META);
    String want = JSON.readTree(metaFile.toFile()).path("base_sha256").asText();
    String have = baseDigest();
    if (!want.equals(have)) {
      throw new CheckpointException(
          metaFile, "base_sha256", "adapters were trained on base " + want + ", this base is " + have);
    }
    try (NDManager scratch = manager.newSubManager()) {
      load(Safetensors.read(dir.resolve(FILE), scratch));
    }
  }
}
