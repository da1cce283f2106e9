package org.rlhfflow.activities.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.hf.HfLlama;
import org.rlhfflow.model.tokenizer.HfTokenizer;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * The stages' chat formatting against transformers 4.46's {@code apply_chat_template} on the
 * fixtures (stage_chats.json, written by make_decoder_fixtures.py --stage-chats): the rendered
 * text byte for byte, and the ids after the row's BOS token for token.
 */
class ChatTemplateStagesTest {
  private static final Path RES = Path.of("..", "model", "src", "test", "resources");

  private static int[] ints(JsonNode a) {
    return StreamSupport.stream(a.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
  }

  /** transformers' ids as our rows hold them: one BOS first, whether or not the template wrote it. */
  private static int[] withOneBos(Tokenizer tok, int[] ids) {
    if (ids.length > 0 && ids[0] == tok.bosId()) {
      return ids;
    }
    int[] out = new int[ids.length + 1];
    out[0] = tok.bosId();
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"hf-tiny-qwen2", "hf-tiny-llama"})
  void promptsAndTrainingPairsAreWhatApplyChatTemplateGives(String fixture) throws Exception {
    Path dir = RES.resolve(fixture);
    JsonNode expected = new ObjectMapper().readTree(dir.resolve("stage_chats.json").toFile());
    try (HfTokenizer tok = HfTokenizer.fromPretrained(dir)) {
      assertNotNull(tok.chat());
      for (JsonNode row : expected.path("pairs")) {
        String prompt = row.path("prompt").asText();
        String response = row.path("response").asText();
        assertEquals(row.path("prompt_text").asText(), tok.chat().prompt(prompt), prompt);
        assertEquals(row.path("conversation_text").asText(),
            tok.chat().prompt(prompt) + tok.chat().response(prompt, response), prompt);

        int[] sampled = withOneBos(tok, ints(row.path("prompt_ids")));
        int[] ours = Sequences.promptIds(tok, prompt);
        assertArrayEquals(Arrays.copyOfRange(sampled, 1, sampled.length), ours, prompt); // after the row's BOS

        Sequences.Encoded e = Sequences.encode(tok, prompt, response, 4096);
        assertArrayEquals(withOneBos(tok, ints(row.path("conversation_ids"))), e.tokens(), prompt + response);
        assertEquals(1 + ours.length, e.responseStart(), "the response starts after the generation prompt");
      }
    }
  }

  @Test
  void generationStopsAtTheTemplatesEndOfTurnAndCheckpointsKeepTheTemplate(@TempDir Path tmp) throws Exception {
    Path dir = RES.resolve("hf-tiny-qwen2");
    try (LanguageModel lm = HfLlama.importModel(dir)) {
      HfTokenizer tok = (HfTokenizer) lm.tokenizer();
      assertEquals(tok.tokenId("<|im_end|>"), tok.eosId());
      assertTrue(tok.stopIds().contains(tok.tokenId("<|im_end|>")), tok.stopIds().toString());
      lm.save(tmp.resolve("ckpt"), 0, "", null, null);
    }
    try (LanguageModel back = LanguageModel.load(tmp.resolve("ckpt"))) {
      assertNotNull(back.tokenizer().chat(), "a stage checkpoint keeps applying the template");
      assertEquals(HfTokenizer.fromPretrained(dir).chat().prompt("31="), back.tokenizer().chat().prompt("31="));
    }
    try (HfTokenizer gpt2 = HfTokenizer.gpt2(RES.resolve("hf-tiny-gpt2").resolve(HfTokenizer.FILE_NAME))) {
      assertNull(gpt2.chat()); // GPT-2's path encodes text as it always did
    }
  }
}
