package org.rlhfflow.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.rlhfflow.model.LlamaConfig;
import org.rlhfflow.model.ckpt.CheckpointException;

/**
 * {@code config.json} of a Llama, Qwen2 or Mistral checkpoint to and from {@link LlamaConfig}.
 * Every field that would change the computation and that we do not implement is named in the
 * error, e.g. "config.json [num_experts]: mixture-of-experts models are not supported".
 */
public final class HfLlamaConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> MODEL_TYPES = Set.of("llama", "qwen2", "mistral");

  private HfLlamaConfig() {}

  /** True if {@code config.json} names one of the Llama-family model types. */
  public static boolean isLlamaFamily(Path file) throws IOException {
    return MODEL_TYPES.contains(JSON.readTree(file.toFile()).path("model_type").asText());
  }

  public static LlamaConfig read(Path file) throws IOException {
    JsonNode c = JSON.readTree(file.toFile());
    String type = c.path("model_type").asText("");
    if (!MODEL_TYPES.contains(type)) {
      throw new CheckpointException(file, "model_type", "'" + type + "' is not one of " + MODEL_TYPES);
    }
    rejectUnsupported(c, file, type);
    int hidden = intField(c, file, "hidden_size");
    int heads = intField(c, file, "num_attention_heads");
    int kv = c.hasNonNull("num_key_value_heads") ? intField(c, file, "num_key_value_heads") : heads;
    int headDim = c.hasNonNull("head_dim") ? intField(c, file, "head_dim") : hidden / heads;
    try {
      return new LlamaConfig(
          intField(c, file, "vocab_size"),
          intField(c, file, "max_position_embeddings"),
          intField(c, file, "num_hidden_layers"),
          heads,
          kv,
          hidden,
          intField(c, file, "intermediate_size"),
          headDim,
          c.path("rms_norm_eps").asDouble(1e-6),
          c.path("rope_theta").asDouble(10000),
          ropeScaling(c.get("rope_scaling"), file),
          type.equals("qwen2"),
          c.path("tie_word_embeddings").asBoolean(false));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, null, e.getMessage());
    }
  }

  private static void rejectUnsupported(JsonNode c, Path file, String type) throws CheckpointException {
    for (String moe : new String[] {"num_experts", "num_local_experts", "n_routed_experts"}) {
      if (c.path(moe).asInt(0) > 0) {
        throw new CheckpointException(file, moe, "mixture-of-experts models are not supported");
      }
    }
    String act = c.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new CheckpointException(file, "hidden_act", "'" + act + "' is not supported; need silu (SwiGLU)");
    }
    boolean window =
        type.equals("qwen2") ? c.path("use_sliding_window").asBoolean(false) : c.hasNonNull("sliding_window");
    if (window) {
      String key = type.equals("qwen2") ? "use_sliding_window" : "sliding_window";
      throw new CheckpointException(file, key, "sliding-window attention is not supported");
    }
    if (c.path("mlp_bias").asBoolean(false)) {
      throw new CheckpointException(file, "mlp_bias", "MLP biases are not supported");
    }
    if (!type.equals("qwen2") && c.path("attention_bias").asBoolean(false)) {
      throw new CheckpointException(file, "attention_bias", "Llama attention biases (o_proj too) are not supported");
    }
    if (c.hasNonNull("quantization_config")) {
      throw new CheckpointException(file, "quantization_config", "quantized checkpoints are not supported");
    }
  }

  private static LlamaConfig.RopeScaling ropeScaling(JsonNode r, Path file) throws CheckpointException {
    if (r == null || r.isNull()) {
      return null;
    }
    String kind = r.path("rope_type").asText(r.path("type").asText(""));
    if (kind.equals("default")) {
      return null;
    }
    if (!kind.equals("llama3")) {
      throw new CheckpointException(file, "rope_scaling", "rope_type '" + kind + "' is not supported; only llama3");
    }
    return new LlamaConfig.RopeScaling(
        r.path("factor").asDouble(),
        r.path("low_freq_factor").asDouble(),
        r.path("high_freq_factor").asDouble(),
        r.path("original_max_position_embeddings").asInt());
  }

  private static int intField(JsonNode c, Path file, String name) throws CheckpointException {
    if (!c.path(name).canConvertToInt() || !c.path(name).isIntegralNumber()) {
      throw new CheckpointException(file, name, "missing or not an integer");
    }
    return c.get(name).asInt();
  }

  /** The config.json transformers needs to rebuild {@code c}, as Qwen2 when it has q/k/v biases. */
  public static ObjectNode write(LlamaConfig c, int bos, int eos, int pad) {
    boolean qwen = c.attentionBias();
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add(qwen ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
    o.put("model_type", qwen ? "qwen2" : "llama");
    o.put("vocab_size", c.vocabSize()).put("max_position_embeddings", c.blockSize());
    o.put("num_hidden_layers", c.nLayer()).put("num_attention_heads", c.nHead());
    o.put("num_key_value_heads", c.nKvHead()).put("hidden_size", c.hiddenSize());
    o.put("intermediate_size", c.intermediateSize()).put("head_dim", c.headDim());
    o.put("hidden_act", "silu").put("rms_norm_eps", c.rmsNormEps()).put("rope_theta", c.ropeTheta());
    if (c.ropeScaling() == null) {
      o.putNull("rope_scaling");
    } else {
      LlamaConfig.RopeScaling s = c.ropeScaling();
      o.putObject("rope_scaling").put("rope_type", "llama3").put("factor", s.factor())
          .put("low_freq_factor", s.lowFreqFactor()).put("high_freq_factor", s.highFreqFactor())
          .put("original_max_position_embeddings", s.originalMaxPositions());
    }
    if (qwen) {
      o.put("use_sliding_window", false);
    } else {
      o.put("attention_bias", false).put("mlp_bias", false);
    }
    o.put("tie_word_embeddings", c.tieWordEmbeddings()).put("torch_dtype", "float32");
    o.put("bos_token_id", bos).put("eos_token_id", eos).put("pad_token_id", pad);
    return o;
  }
}
