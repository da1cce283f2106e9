package org.rlhfflow.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rlhfflow.model.ckpt.CheckpointException;

/**
 * The {@value #FILE} sidecar of an adapter checkpoint: LoRA's shape and the stored base it adapts.
 * The directory's {@code model.safetensors} then holds only the adapters (and optimizer moments);
 * the frozen base is a separate, content-addressed checkpoint named by {@code base}.
 *
 * @param config rank, alpha and targets the adapters were attached with
 * @param base where the base checkpoint is stored and its sha256
 */
public record LoraCheckpoint(LoraConfig config, Base base) {
  public static final String FILE = "lora.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * A stored base checkpoint directory: the artifact store's URI and the sha256 it is verified
   * against when fetched (opaque here: the model module knows no store).
   */
  public record Base(String uri, String sha256) {}

  /** Resolves a base to a local checkpoint directory, e.g. by downloading and verifying it. */
  @FunctionalInterface
  public interface BaseResolver {
    Path fetch(Base base) throws IOException;
  }

  /** The sidecar of {@code dir}, or empty for a full (non-adapter) checkpoint. */
  public static Optional<LoraCheckpoint> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(file.toFile());
    List<String> targets = new ArrayList<>();
    n.path("targets").forEach(t -> targets.add(t.asText()));
    String uri = n.path("base").path("uri").asText(null);
    String sha = n.path("base").path("sha256").asText(null);
    if (uri == null || sha == null) {
      throw new CheckpointException(file, "base", "missing the base checkpoint's uri or sha256");
    }
    try {
      return Optional.of(new LoraCheckpoint(
          new LoraConfig(n.path("rank").asInt(), n.path("alpha").asDouble(), targets), new Base(uri, sha)));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, null, e.getMessage());
    }
  }

  /** Writes the sidecar into {@code dir} (before the checkpoint's own sidecar, which marks it complete). */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode n = JSON.createObjectNode();
    n.put("rank", config.rank()).put("alpha", config.alpha());
    config.targets().forEach(n.putArray("targets")::add);
    n.putObject("base").put("uri", base.uri()).put("sha256", base.sha256());
    JSON.writeValue(dir.resolve(FILE).toFile(), n);
  }
}
