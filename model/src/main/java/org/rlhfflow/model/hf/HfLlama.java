package org.rlhfflow.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.Llama;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.LlamaConfig;
import org.rlhfflow.model.tokenizer.HfTokenizer;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * Hugging Face Llama / Qwen2 / Mistral directories in and out: config.json, single or sharded
 * safetensors (bf16, fp16 or fp32; held as fp32), tokenizer.json and tokenizer_config.json. Our
 * keys are Hugging Face's, so weights map one to one; a tied {@code lm_head.weight}, if a file
 * stores it, and old {@code rotary_emb.inv_freq} buffers are not weights and are skipped.
 *
 * <pre>{@code try (LanguageModel qwen = HfLlama.importModel(Path.of("Qwen2.5-0.5B"))) { ... }}</pre>
 */
public final class HfLlama {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HfLlama() {}

  public static LanguageModel importModel(Path dir) throws IOException {
    return importModel(dir, HfTokenizer.fromPretrained(dir));
  }

  public static LanguageModel importModel(Path dir, Tokenizer tokenizer) throws IOException {
    Path cfgFile = dir.resolve("config.json");
    LlamaConfig config = HfLlamaConfig.read(cfgFile);
    try (NDManager scratch = NDManager.newBaseManager()) {
      LinkedHashMap<String, NDArray> ours = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : HfWeights.read(dir, scratch).entrySet()) {
        String key = e.getKey();
        boolean tiedHead = config.tieWordEmbeddings() && key.equals("lm_head.weight");
        if (!tiedHead && !key.endsWith(".rotary_emb.inv_freq")) {
          ours.put(key, e.getValue());
        }
      }
      Path index = dir.resolve(HfWeights.INDEX);
      Path where = Files.exists(index) ? index : dir.resolve(HfWeights.SINGLE);
      HfGpt2.checkKeys(where, ours, new Llama(config).parameterShapes());
      return LanguageModel.fromWeights(config, tokenizer, ours);
    }
  }

  /**
   * Writes config.json, model.safetensors (fp32, one file) and the tokenizer's files, so that
   * transformers' {@code AutoModelForCausalLM.from_pretrained(dir)} loads the result. LoRA
   * adapters, when there are any, are merged into the weights written (the model keeps them).
   */
  public static void export(LanguageModel lm, Path dir) throws IOException {
    if (!(lm.config() instanceof LlamaConfig c)) {
      throw new IllegalArgumentException("not a Llama-family model: " + lm.config() + "; use HfGpt2.export");
    }
    Files.createDirectories(dir);
    try (ai.djl.ndarray.NDManager scratch = lm.manager().newSubManager()) { // LoRA merged: W + (alpha/r) B A
      org.rlhfflow.model.ckpt.Safetensors.write(
          dir.resolve(HfWeights.SINGLE), lm.mergedWeights(scratch), Map.of("format", "pt"));
    }
    Tokenizer t = lm.tokenizer();
    JSON.writeValue(dir.resolve("config.json").toFile(), HfLlamaConfig.write(c, t.bosId(), t.eosId(), t.padId()));
    // transformers' generate stops at every id listed here: the chat template's end-of-turn tokens
    ObjectNode gen = JSON.createObjectNode().put("bos_token_id", t.bosId()).put("pad_token_id", t.padId());
    t.stopIds().forEach(gen.putArray("eos_token_id")::add);
    JSON.writeValue(dir.resolve(HfTokenizer.GENERATION_FILE).toFile(), gen);
    t.saveFiles(dir.toAbsolutePath());
  }
}
