package org.rlhfflow.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.model.tokenizer.HfTokenizer;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * Hugging Face GPT-2 directories ({@code config.json} + {@code model.safetensors} + optional
 * {@code tokenizer.json}) in and out. GPT-2's Conv1D stores weights (in, out), the transpose of
 * our Linear's (out, in); keys may carry a {@code transformer.} prefix; {@code lm_head.weight} is
 * tied to {@code wte} and the causal-mask buffers ({@code attn.bias}, {@code attn.masked_bias})
 * are not weights, so those are skipped.
 *
 * <pre>{@code try (LanguageModel gpt2 = HfGpt2.importModel(Path.of("gpt2"))) { ... }}</pre>
 */
public final class HfGpt2 {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String PREFIX = "transformer.";

  private HfGpt2() {}

  /** Reads the shape fields of an HF GPT-2 {@code config.json}. */
  public static GptConfig readConfig(Path file) throws IOException {
    JsonNode c = JSON.readTree(file.toFile());
    String act = c.path("activation_function").asText("gelu_new");
    if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
      throw new CheckpointException(file, "activation_function", "unsupported '" + act + "'; need gelu_new");
    }
    for (String flag : new String[] {"scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn"}) {
      if (c.path(flag).asBoolean(false)) {
        throw new CheckpointException(file, flag, "unsupported GPT-2 variant (must be false)");
      }
    }
    int nEmbd = field(c, file, "n_embd");
    if (c.hasNonNull("n_inner") && c.get("n_inner").asInt() != 4 * nEmbd) {
      throw new CheckpointException(file, "n_inner", "must be null or 4 * n_embd");
    }
    return new GptConfig(
        field(c, file, "vocab_size"),
        field(c, file, "n_positions"),
        field(c, file, "n_layer"),
        field(c, file, "n_head"),
        nEmbd,
        true,
        c.path("layer_norm_epsilon").asDouble(1e-5));
  }

  private static int field(JsonNode c, Path file, String name) throws CheckpointException {
    if (!c.path(name).canConvertToInt()) {
      throw new CheckpointException(file, name, "missing or not an integer");
    }
    return c.get(name).asInt();
  }

  /** Imports with the directory's tokenizer.json (GPT-2 conventions) or, absent, bytes. */
  public static LanguageModel importModel(Path dir) throws IOException {
    Path tj = dir.resolve(HfTokenizer.FILE_NAME);
    Tokenizer tok = Files.exists(tj) ? HfTokenizer.gpt2(tj) : new ByteTokenizer();
    return importModel(dir, tok);
  }

  public static LanguageModel importModel(Path dir, Tokenizer tokenizer) throws IOException {
    GptConfig config = readConfig(dir.resolve("config.json"));
    Path file = dir.resolve("model.safetensors");
    try (NDManager scratch = NDManager.newBaseManager()) {
      LinkedHashMap<String, NDArray> ours = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : Safetensors.read(file, scratch).entrySet()) {
        String key = e.getKey().startsWith(PREFIX) ? e.getKey().substring(PREFIX.length()) : e.getKey();
        if (key.equals("lm_head.weight") || key.endsWith(".attn.bias") || key.endsWith(".attn.masked_bias")) {
          continue;
        }
        ours.put(key, isConv1d(key) ? transpose(e.getValue(), scratch) : e.getValue());
      }
      checkKeys(file, ours, new org.rlhfflow.model.Gpt(config).parameterShapes());
      return LanguageModel.fromWeights(config, tokenizer, ours);
    }
  }

  /** Writes config.json, model.safetensors (HF layout) and the tokenizer's files. */
  public static void export(LanguageModel lm, Path dir) throws IOException {
    Files.createDirectories(dir);
    if (!(lm.config() instanceof GptConfig c)) {
      throw new IllegalArgumentException("not a GPT-2: " + lm.config() + "; use HfLlama.export");
    }
    if (!c.bias()) {
      throw new IllegalArgumentException("GPT-2 has biases; cannot export a bias=false model");
    }
    try (NDManager scratch = NDManager.newBaseManager()) {
      LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : lm.mergedWeights(scratch).entrySet()) { // LoRA merged in
        NDArray a = isConv1d(e.getKey()) ? transpose(e.getValue(), scratch) : e.getValue();
        out.put(PREFIX + e.getKey(), a);
      }
      Safetensors.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
    }
    ObjectNode cfg = JSON.createObjectNode();
    cfg.putArray("architectures").add("GPT2LMHeadModel");
    cfg.put("model_type", "gpt2").put("vocab_size", c.vocabSize()).put("n_positions", c.blockSize());
    cfg.put("n_embd", c.nEmbd()).put("n_layer", c.nLayer()).put("n_head", c.nHead()).putNull("n_inner");
    cfg.put("activation_function", "gelu_new").put("layer_norm_epsilon", c.layerNormEps());
    cfg.put("bos_token_id", lm.tokenizer().bosId()).put("eos_token_id", lm.tokenizer().eosId());
    cfg.put("tie_word_embeddings", true);
    JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
    lm.tokenizer().saveFiles(dir.toAbsolutePath());
  }

  /** GPT-2's Conv1D layers: the four matmuls of each block. */
  static boolean isConv1d(String key) {
    return key.endsWith(".weight")
        && (key.contains(".c_attn.") || key.contains(".c_proj.") || key.contains(".c_fc."));
  }

  static void checkKeys(Path file, Map<String, NDArray> ours, Map<String, Shape> expected)
      throws CheckpointException {
    for (Map.Entry<String, Shape> e : expected.entrySet()) {
      NDArray a = ours.get(e.getKey());
      if (a == null) {
        throw new CheckpointException(file, e.getKey(), "missing key");
      }
      if (!a.getShape().equals(e.getValue())) {
        throw new CheckpointException(
            file, e.getKey(), "shape mismatch: file has " + a.getShape() + ", config.json implies " + e.getValue());
      }
    }
    for (String key : ours.keySet()) {
      if (!expected.containsKey(key)) {
        throw new CheckpointException(file, key, "unexpected key");
      }
    }
  }

  /** A 2-D float32 transpose done in Java, so the result is contiguous and exact. */
  static NDArray transpose(NDArray a, NDManager m) {
    if (a.getShape().dimension() != 2 || a.getDataType() != DataType.FLOAT32) {
      return a;
    }
    int rows = (int) a.getShape().get(0);
    int cols = (int) a.getShape().get(1);
    float[] src = a.toFloatArray();
    float[] dst = new float[src.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        dst[c * rows + r] = src[r * cols + c];
      }
    }
    return m.create(dst, new Shape(cols, rows));
  }
}
