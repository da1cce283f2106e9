package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.hf.HfLlama;

/** Bad Hugging Face directories fail naming the file and the key. */
class HfLlamaBadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path copy(String name, Path to) throws Exception {
    try (Stream<Path> files = Files.list(DecoderFixture.dir(name))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private static CheckpointException importWithConfig(Path dir, Consumer<ObjectNode> edit) throws Exception {
    Path cfg = dir.resolve("config.json");
    ObjectNode c = (ObjectNode) JSON.readTree(cfg.toFile());
    edit.accept(c);
    JSON.writeValue(cfg.toFile(), c);
    return assertThrows(CheckpointException.class, () -> HfLlama.importModel(dir).close());
  }

  @Test
  void mixtureOfExpertsIsNamed(@TempDir Path tmp) throws Exception {
    CheckpointException e = importWithConfig(copy("qwen2", tmp), c -> c.put("num_experts", 8));
    assertEquals(tmp.resolve("config.json") + " [num_experts]: mixture-of-experts models are not supported", e.getMessage());
  }

  @Test
  void slidingWindowIsNamed(@TempDir Path tmp) throws Exception {
    CheckpointException e = importWithConfig(copy("qwen2", tmp), c -> c.put("use_sliding_window", true));
    assertEquals("use_sliding_window", e.key());
    assertTrue(e.getMessage().contains("sliding-window attention is not supported"), e.getMessage());
  }

  @Test
  void unsupportedRopeScalingIsNamed(@TempDir Path tmp) throws Exception {
    CheckpointException e =
        importWithConfig(copy("llama", tmp), c -> ((ObjectNode) c.get("rope_scaling")).put("rope_type", "yarn"));
    assertEquals("rope_scaling", e.key());
    assertTrue(e.getMessage().contains("'yarn'"), e.getMessage());
  }

  @Test
  void shapesThatDoNotMatchTheConfigAreNamed(@TempDir Path tmp) throws Exception {
    CheckpointException e = importWithConfig(copy("qwen2", tmp), c -> c.put("intermediate_size", 96));
    assertEquals(tmp.resolve("model.safetensors"), e.file());
    assertEquals("model.layers.0.mlp.gate_proj.weight", e.key());
    assertTrue(e.getMessage().contains("shape mismatch: file has (128, 64), config.json implies (96, 64)"), e.getMessage());
  }

  @Test
  void missingShardIsNamed(@TempDir Path tmp) throws Exception {
    Path dir = copy("llama", tmp);
    Files.delete(dir.resolve("model-00003-of-00006.safetensors"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> HfLlama.importModel(dir).close());
    assertEquals(dir.resolve("model.safetensors.index.json"), e.file());
    assertEquals("model-00003-of-00006.safetensors", e.key());
    assertTrue(e.getMessage().contains("missing shard file"), e.getMessage());
  }
}
