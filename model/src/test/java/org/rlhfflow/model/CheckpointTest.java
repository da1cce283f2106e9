package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class CheckpointTest {
  @Test
  void saveLoadIsBitExactAndKeepsExtrasAndState(@TempDir Path dir) throws Exception {
    Determinism.configure();
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 9);
        NDManager m = lm.manager().newSubManager()) {
      NDArray moment = m.create(new float[] {1.5f, -2f, 3e-8f}, new Shape(3));
      var state = JsonNodeFactory.instance.objectNode().put("lr", 0.001).put("rngStep", 17);
      lm.save(dir, 42, "abc123", state, Map.of("optim.m.wte.weight", moment));
      try (LanguageModel back = LanguageModel.load(dir)) {
        assertEquals(42, back.checkpointMeta().step());
        assertEquals("abc123", back.checkpointMeta().specHash());
        assertEquals(17, back.checkpointMeta().trainingState().get("rngStep").asInt());
        assertEquals(GptConfig.NANO, back.config());
        assertArrayEquals(moment.toFloatArray(), back.checkpointExtras().get("optim.m.wte.weight").toFloatArray());
        for (Map.Entry<String, NDArray> e : lm.weights().entrySet()) {
          assertArrayEquals(e.getValue().toFloatArray(), back.weights().get(e.getKey()).toFloatArray(), e.getKey());
        }
      }
    }
  }

  @Test
  void theResolvedSpecTravelsWithTheCheckpoint(@TempDir Path dir) throws Exception {
    var spec = JsonNodeFactory.instance.objectNode().put("name", "demo").put("seed", 3);
    spec.putObject("ppo").put("kl_coef", 0.05);
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 9)) {
      lm.save(dir.resolve("stamped"), 1, new SpecStamp("f00d", spec), null, null);
      lm.save(dir.resolve("hash-only"), 1, "f00d", null, null);
    }
    try (LanguageModel back = LanguageModel.load(dir.resolve("stamped"))) {
      assertEquals("f00d", back.checkpointMeta().specHash());
      assertEquals(spec, back.checkpointMeta().spec());
    }
    try (LanguageModel back = LanguageModel.load(dir.resolve("hash-only"))) {
      assertEquals(null, back.checkpointMeta().spec()); // as in checkpoints written before specs were embedded
    }
  }

  @Test
  void truncatedFileNamesFileAndKey(@TempDir Path dir) throws Exception {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 9)) {
      lm.save(dir, 1, "", null, null);
    }
    Path file = dir.resolve(Checkpoint.WEIGHTS);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> LanguageModel.load(dir));
    assertEquals(file, e.file());
    assertEquals("ln_f.bias", e.key()); // the last tensor written is the one cut short
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void shapeMismatchAndMissingAndUnexpectedKeysAreNamed(@TempDir Path dir) throws Exception {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 9);
        NDManager m = lm.manager().newSubManager()) {
      lm.save(dir, 1, "", null, null);
      Path file = dir.resolve(Checkpoint.WEIGHTS);
      LinkedHashMap<String, NDArray> tensors = Safetensors.read(file, m);

      tensors.put("h.0.ln_1.weight", m.zeros(new Shape(63)));
      Safetensors.write(file, tensors, Map.of());
      CheckpointException bad = assertThrows(CheckpointException.class, () -> LanguageModel.load(dir));
      assertEquals("h.0.ln_1.weight", bad.key());
      assertTrue(bad.getMessage().contains("(63)") && bad.getMessage().contains("(64)"), bad.getMessage());

      tensors.remove("h.0.ln_1.weight");
      Safetensors.write(file, tensors, Map.of());
      assertEquals("h.0.ln_1.weight", assertThrows(CheckpointException.class, () -> LanguageModel.load(dir)).key());

      tensors.put("h.0.ln_1.weight", m.ones(new Shape(64)));
      tensors.put("h.9.surprise", m.ones(new Shape(2)));
      Safetensors.write(file, tensors, Map.of());
      CheckpointException extra = assertThrows(CheckpointException.class, () -> LanguageModel.load(dir));
      assertEquals("h.9.surprise", extra.key());
      assertTrue(extra.getMessage().contains(file.toString()));
    }
  }

  @Test
  void corruptHeaderNamesTheFile(@TempDir Path dir) throws Exception {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 9)) {
      lm.save(dir, 1, "", null, null);
    }
    Path file = dir.resolve(Checkpoint.WEIGHTS);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(8);
      f.write("garbage!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // breaks the JSON
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> LanguageModel.load(dir));
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void missingSidecarIsNotACheckpoint(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(Checkpoint.WEIGHTS), "x");
    CheckpointException e = assertThrows(CheckpointException.class, () -> LanguageModel.load(dir));
    assertEquals(dir.resolve(Checkpoint.SIDECAR), e.file());
  }
}
