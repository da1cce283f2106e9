package org.rlhfflow.model.ckpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint directory: {@code model.safetensors} (model tensors, then extras such as {@code
 * optim.*}) and the {@code checkpoint.json} sidecar ({@link CheckpointMeta}). The sidecar is
 * written last, so its presence marks a complete checkpoint. Loading checks every key and shape
 * against the model and fails with a {@link CheckpointException} rather than load part of it.
 */
public final class Checkpoint {
  public static final String WEIGHTS = "model.safetensors";
  public static final String SIDECAR = "checkpoint.json";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What {@link #load} returns; the arrays live on the manager passed to it. */
  public record Loaded(
      CheckpointMeta meta, LinkedHashMap<String, NDArray> model, LinkedHashMap<String, NDArray> extras) {}

  private Checkpoint() {}

  /** Saves model tensors and extras (extra keys must not collide with model keys). */
  public static void save(
      Path dir, CheckpointMeta meta, Map<String, NDArray> model, Map<String, NDArray> extras)
      throws IOException {
    Files.createDirectories(dir);
    LinkedHashMap<String, NDArray> all = new LinkedHashMap<>(model);
    List<String> extraKeys = new ArrayList<>();
    if (extras != null) {
      for (Map.Entry<String, NDArray> e : extras.entrySet()) {
        if (all.put(e.getKey(), e.getValue()) != null) {
          throw new IllegalArgumentException("extra tensor '" + e.getKey() + "' collides with a model key");
        }
        extraKeys.add(e.getKey());
      }
    }
    Files.deleteIfExists(dir.resolve(SIDECAR));
    Path tmp = dir.resolve(WEIGHTS + ".tmp");
    Safetensors.write(tmp, all, Map.of("format", "pt"));
    Files.move(tmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    JSON.writeValue(dir.resolve(SIDECAR).toFile(), meta.withExtraKeys(extraKeys));
  }

  /** Reads the sidecar alone, e.g. to build the model before loading its weights. */
  public static CheckpointMeta readMeta(Path dir) throws IOException {
    Path file = dir.resolve(SIDECAR);
    if (!Files.exists(file)) {
      throw new CheckpointException(file, null, "missing: not a complete checkpoint directory");
    }
    try {
      return JSON.readValue(file.toFile(), CheckpointMeta.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointException(file, null, "unreadable sidecar: " + e.getMessage());
    }
  }

  /**
   * Loads and validates: every expected key present with its expected shape, every extra listed in
   * the sidecar present, nothing else. On failure all loaded arrays are closed.
   */
  public static Loaded load(Path dir, NDManager manager, Map<String, Shape> expected)
      throws IOException {
    CheckpointMeta meta = readMeta(dir);
    Path file = dir.resolve(WEIGHTS);
    NDManager scratch = manager.newSubManager();
    try {
      LinkedHashMap<String, NDArray> all = readWeights(file, scratch);
      LinkedHashMap<String, NDArray> model = new LinkedHashMap<>();
      for (Map.Entry<String, Shape> e : expected.entrySet()) {
        model.put(e.getKey(), take(all, file, e.getKey(), e.getValue()));
      }
      LinkedHashMap<String, NDArray> extras = new LinkedHashMap<>();
      for (String key : meta.extraKeys()) {
        extras.put(key, take(all, file, key, null));
      }
      if (!all.isEmpty()) {
        String key = all.keySet().iterator().next();
        throw new CheckpointException(file, key, "unexpected key (" + all.size() + " unexpected in all)");
      }
      model.values().forEach(a -> a.attach(manager));
      extras.values().forEach(a -> a.attach(manager));
      return new Loaded(meta, model, extras);
    } finally {
      scratch.close();
    }
  }

  private static LinkedHashMap<String, NDArray> readWeights(Path file, NDManager m)
      throws IOException {
    try {
      return Safetensors.read(file, m);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, null, "missing");
    }
  }

  private static NDArray take(Map<String, NDArray> all, Path file, String key, Shape shape)
      throws CheckpointException {
    NDArray a = all.remove(key);
    if (a == null) {
      throw new CheckpointException(file, key, "missing key");
    }
    if (shape != null && !shape.equals(a.getShape())) {
      throw new CheckpointException(
          file, key, "shape mismatch: checkpoint has " + a.getShape() + ", model expects " + shape);
    }
    return a;
  }
}
