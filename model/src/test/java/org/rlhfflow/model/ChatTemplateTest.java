package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rlhfflow.model.chat.ChatTemplate;
import org.rlhfflow.model.chat.ChatTemplate.Message;
import org.rlhfflow.model.tokenizer.HfTokenizer;

/** Chat templates rendered by Jinjava against transformers' apply_chat_template, byte for byte. */
class ChatTemplateTest {
  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void rendersByteIdenticalToTransformersAndTokenizesIdentically(String name) throws Exception {
    Path dir = DecoderFixture.dir(name);
    ChatTemplate t = ChatTemplate.fromTokenizerConfig(dir.resolve("tokenizer_config.json"));
    try (HfTokenizer tok = HfTokenizer.fromPretrained(dir)) {
      for (JsonNode chat : DecoderFixture.expected(name).get("chats")) {
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : chat.get("messages")) {
          messages.add(new Message(m.get("role").asText(), m.get("content").asText()));
        }
        String text = t.render(messages, chat.get("add_generation_prompt").asBoolean());
        assertEquals(chat.get("text").asText(), text, name + " " + chat.get("messages"));
        assertArrayEquals(DecoderFixture.ints(chat.get("ids")), tok.encode(text), name + " ids");
      }
    }
  }

  @Test
  void messageTextIsNeverInterpretedAsTemplateCode() throws Exception {
    ChatTemplate t = ChatTemplate.fromTokenizerConfig(DecoderFixture.dir("qwen2").resolve("tokenizer_config.json"));
    String out = t.render(List.of(Message.user("{{ 7 * 7 }} {% if true %}x{% endif %}")), false);
    assertTrue(out.contains("{{ 7 * 7 }} {% if true %}x{% endif %}"), out);
  }

  @Test
  void templateThatDoesNotRenderNamesFileAndKey(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("tokenizer_config.json");
    Files.writeString(cfg, "{\"chat_template\": \"{% for m in messages %}{{ m.content | nosuchfilter(1) }}{% endfor %\"}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ChatTemplate.fromTokenizerConfig(cfg).render(List.of(Message.user("hi")), false));
    assertTrue(e.getMessage().contains(cfg + " [chat_template]: does not render"), e.getMessage());
  }

  @Test
  void raiseExceptionInTheTemplateFailsTheRender() {
    ChatTemplate t =
        new ChatTemplate(
            "inline", "{% if messages[0]['role'] != 'user' %}{{ raise_exception('first turn must be user') }}{% endif %}ok", Map.of());
    assertEquals("ok", t.render(List.of(Message.user("a")), false));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(Message.assistant("a")), false));
    assertTrue(e.getMessage().contains("first turn must be user"), e.getMessage());
  }

  @Test
  void missingTemplateIsNamed(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("tokenizer_config.json");
    Files.writeString(cfg, "{\"eos_token\": \"</s>\"}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.fromTokenizerConfig(cfg));
    assertTrue(e.getMessage().startsWith(cfg + " [chat_template]: missing"), e.getMessage());
  }
}
