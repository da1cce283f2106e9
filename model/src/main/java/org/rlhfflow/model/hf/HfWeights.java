package org.rlhfflow.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.TreeSet;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.ckpt.Safetensors;

/**
 * The weights of a Hugging Face directory: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json}'s {@code weight_map}. bf16 and fp16 tensors arrive as fp32.
 */
public final class HfWeights {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfWeights() {}

  /** Every tensor by key; a shard that is missing or that lacks a mapped key fails naming both. */
  public static LinkedHashMap<String, NDArray> read(Path dir, NDManager manager) throws IOException {
    Path index = dir.resolve(INDEX);
    if (!Files.exists(index)) {
      Path single = dir.resolve(SINGLE);
      if (!Files.exists(single)) {
        throw new CheckpointException(dir, null, "no " + SINGLE + " and no " + INDEX);
      }
      return Safetensors.read(single, manager);
    }
    JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
    if (!map.isObject() || map.isEmpty()) {
      throw new CheckpointException(index, "weight_map", "missing or empty");
    }
    TreeSet<String> shards = new TreeSet<>();
    map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    for (String shard : shards) {
      Path f = dir.resolve(shard);
      if (!Files.exists(f)) {
        throw new CheckpointException(index, shard, "missing shard file " + f);
      }
      out.putAll(Safetensors.read(f, manager));
    }
    for (var it = map.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!out.containsKey(e.getKey())) {
        Path shard = dir.resolve(e.getValue().asText());
        throw new CheckpointException(shard, e.getKey(), "listed in " + INDEX + " but not in the shard");
      }
    }
    return out;
  }
}
