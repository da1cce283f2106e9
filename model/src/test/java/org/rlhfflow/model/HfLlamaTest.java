package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.hf.HfLlama;
import org.rlhfflow.model.tokenizer.HfTokenizer;

/** Our Llama family against transformers on the tiny Llama (bf16, sharded) and Qwen2 (fp16) fixtures. */
class HfLlamaTest {
  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void logitsMatchTransformers(String name) throws Exception {
    Determinism.configure();
    try (LanguageModel lm = HfLlama.importModel(DecoderFixture.dir(name));
        NDManager m = lm.manager().newSubManager()) {
      Map<String, NDArray> expected =
          Safetensors.read(DecoderFixture.dir(name).resolve("expected.safetensors"), m);
      NDArray mask = expected.get("attention_mask"); // (B, T)
      NDArray logits = lm.logits(expected.get("input_ids"), mask); // (B, T, V)
      NDArray diff = logits.sub(expected.get("logits")).abs().mul(mask.expandDims(2));
      float worst = diff.max().getFloat();
      assertTrue(worst < 1e-4, name + ": max abs logit diff on real tokens " + worst);
      assertEquals(DecoderFixture.expected(name).get("params").asLong(), lm.config().numParams());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void greedyGenerationIsTokenIdenticalAloneAndLeftPadded(String name) throws Exception {
    Determinism.configure();
    JsonNode exp = DecoderFixture.expected(name);
    try (LanguageModel lm = HfLlama.importModel(DecoderFixture.dir(name))) {
      JsonNode gens = exp.get("generations");
      int[][] prompts = new int[gens.size()][];
      GenerationConfig greedy = GenerationConfig.greedy(10, lm.tokenizer());
      for (int i = 0; i < prompts.length; i++) {
        prompts[i] = DecoderFixture.ints(gens.get(i).get("prompt"));
        for (boolean cache : new boolean[] {true, false}) {
          Generation g = new Generator(lm.decoder()).generate(new int[][] {prompts[i]}, greedy, 0, cache);
          assertArrayEquals(DecoderFixture.ints(gens.get(i).get("output")), g.response(0), name + " prompt " + i);
        }
      }
      Generation batch = new Generator(lm.decoder()).generate(prompts, greedy, 0);
      for (int i = 0; i < prompts.length; i++) {
        assertArrayEquals(
            DecoderFixture.ints(exp.get("batched_generation").get(i)), batch.response(i), name + " batched row " + i);
      }
    }
  }

  @Test
  void pipelineCheckpointKeepsTheFamilyTheTokenizerAndTheWeights(@TempDir Path dir) throws Exception {
    try (LanguageModel lm = HfLlama.importModel(DecoderFixture.dir("llama"))) {
      lm.save(dir, 3, "spec", null, Map.of());
      try (LanguageModel back = LanguageModel.load(dir)) {
        assertEquals(lm.config(), back.config());
        assertEquals(lm.tokenizer().describe(), back.tokenizer().describe());
        assertEquals(lm.tokenizer().stopIds(), back.tokenizer().stopIds());
        for (Map.Entry<String, NDArray> e : lm.weights().entrySet()) {
          assertArrayEquals(e.getValue().toFloatArray(), back.weights().get(e.getKey()).toFloatArray(), e.getKey());
        }
      }
    }
  }

  @Test
  void aRewardModelBuiltFromTheModelKeepsItsTokenizerAfterTheModelCloses() throws Exception {
    LanguageModel lm = HfLlama.importModel(DecoderFixture.dir("qwen2"));
    int[] before = lm.tokenizer().encode("Hello world");
    try (ScalarHeadModel rm = ScalarHeadModel.fromLanguageModel(ScalarHeadModel.Kind.REWARD, lm, 1)) {
      lm.close(); // as the reward-model stage does once it has copied the SFT weights
      assertArrayEquals(before, rm.tokenizer().encode("Hello world"));
      assertEquals(lm.config(), rm.trunk().config());
    }
  }

  @Test
  void generationStopsAtTheEndOfTurnTokens() throws Exception {
    try (LanguageModel llama = HfLlama.importModel(DecoderFixture.dir("llama"))) {
      HfTokenizer tok = (HfTokenizer) llama.tokenizer();
      // generation_config.json lists both; tokenizer_config.json's eos_token comes first
      assertEquals(List.of(tok.tokenId("<|eot_id|>"), tok.tokenId("<|end_of_text|>")), tok.stopIds());
      assertEquals(tok.stopIds(), GenerationConfig.greedy(4, tok).stopIds());
    }
    try (LanguageModel qwen = HfLlama.importModel(DecoderFixture.dir("qwen2"))) {
      JsonNode g = DecoderFixture.expected("qwen2").get("generations").get(2);
      int[] full = DecoderFixture.ints(g.get("output"));
      int stop = full[2]; // pretend the third greedy token ends the turn
      GenerationConfig cfg = GenerationConfig.greedy(10, qwen.tokenizer()).withStopIds(List.of(stop));
      Generation out =
          new Generator(qwen.decoder()).generate(new int[][] {DecoderFixture.ints(g.get("prompt"))}, cfg, 0);
      assertArrayEquals(java.util.Arrays.copyOf(full, 3), out.response(0));
      assertTrue(out.endedWithEos()[0]);
    }
  }

  /**
   * make_decoder_fixtures.py --check-export loaded our export in transformers (logits equal to the
   * fixture's) and stored each file's sha256; the export must still be byte for byte that one.
   */
  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void exportIsByteIdenticalToTheOneTransformersReloaded(String name, @TempDir Path out) throws Exception {
    JsonNode check =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(DecoderFixture.dir(name).resolve("export-check.json").toFile());
    assertTrue(check.get("logit_gap").asDouble() < 1e-4, "transformers' logit gap " + check.get("logit_gap"));
    try (LanguageModel lm = HfLlama.importModel(DecoderFixture.dir(name))) {
      HfLlama.export(lm, out);
    }
    for (var e : (Iterable<Map.Entry<String, JsonNode>>) check.get("sha256")::fields) {
      byte[] bytes = java.nio.file.Files.readAllBytes(out.resolve(e.getKey()));
      String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
      assertEquals(e.getValue().asText(), sha, name + " " + e.getKey() + " differs from the export transformers reloaded");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void exportThenImportIsBitExact(String name, @TempDir Path out) throws Exception {
    try (LanguageModel lm = HfLlama.importModel(DecoderFixture.dir(name))) {
      HfLlama.export(lm, out);
      try (LanguageModel back = HfLlama.importModel(out)) {
        assertEquals(lm.config(), back.config());
        assertEquals(lm.weights().keySet(), back.weights().keySet());
        for (Map.Entry<String, NDArray> e : lm.weights().entrySet()) {
          assertArrayEquals(e.getValue().toFloatArray(), back.weights().get(e.getKey()).toFloatArray(), e.getKey());
        }
        assertEquals(lm.tokenizer().describe(), back.tokenizer().describe());
      }
    }
  }
}
