package org.rlhfflow.model.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer's own Jinja chat template, rendered as transformers' {@code apply_chat_template}
 * renders it: Jinja with trim_blocks and lstrip_blocks, no autoescape, the special tokens
 * ({@code bos_token}, {@code eos_token}, ...) and {@code raise_exception} in scope. Jinjava runs
 * it with nested interpretation off, so a "{{ ... }}" inside a message is text, never code.
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.fromTokenizerConfig(dir.resolve("tokenizer_config.json"));
 * String prompt = t.render(List.of(ChatTemplate.Message.user("Hi")), true);
 * }</pre>
 */
public final class ChatTemplate {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SPECIALS = {
    "bos_token", "eos_token", "pad_token", "unk_token", "sep_token", "cls_token", "mask_token"
  };

  /** One turn; {@code role} is the template's: system, user, assistant (or tool). */
  public record Message(String role, String content) {
    public static Message system(String content) {
      return new Message("system", content);
    }

    public static Message user(String content) {
      return new Message("user", content);
    }

    public static Message assistant(String content) {
      return new Message("assistant", content);
    }
  }

  /**
   * Jinjava's opt-ins to Python Jinja's behaviour: operator precedence (a filter binds tighter
   * than +), backslash escapes inside quotes only, Python-style printing of lists and maps. Not
   * whitespace-required-within-tokens: templates write {{'...'}} without spaces.
   */
  private static final LegacyOverrides PYTHON_JINJA =
      LegacyOverrides.newBuilder()
          .withEvaluateMapKeys(true)
          .withIterateOverMapKeys(true)
          .withUsePyishObjectMapper(true)
          .withUseNaturalOperatorPrecedence(true)
          .withParseWhitespaceControlStrictly(true)
          .withUseTrimmingForNotesAndExpressions(true)
          .withKeepNullableLoopValues(true)
          .withHandleBackslashInQuotesOnly(true)
          .build();

  private final String source;
  private final String template;
  private final Map<String, String> specialTokens;
  private final Jinjava jinjava;

  /**
   * @param source where the template came from, for error messages (file and key)
   * @param template the Jinja source
   * @param specialTokens e.g. {@code bos_token -> <|begin_of_text|>}; the template sees them
   */
  public ChatTemplate(String source, String template, Map<String, String> specialTokens) {
    this.source = source;
    this.template = template;
    this.specialTokens = Map.copyOf(specialTokens);
    JinjavaConfig config =
        JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(true)
            .withNestedInterpretationEnabled(false)
            .withLegacyOverrides(PYTHON_JINJA)
            .build();
    this.jinjava = new Jinjava(config);
    jinjava.registerFunction(
        new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
  }

  /** The template of a Hugging Face {@code tokenizer_config.json}, with its special tokens. */
  public static ChatTemplate fromTokenizerConfig(Path file) throws IOException {
    JsonNode cfg = JSON.readTree(file.toFile());
    JsonNode t = cfg.get("chat_template");
    if (t != null && t.isArray()) { // a list of named templates: take "default"
      for (JsonNode named : t) {
        if ("default".equals(named.path("name").asText())) {
          t = named.path("template");
        }
      }
    }
    if (t == null || !t.isTextual()) {
      throw new IllegalArgumentException(file + " [chat_template]: missing; this tokenizer has no chat template");
    }
    Map<String, String> specials = new HashMap<>();
    for (String key : SPECIALS) {
      JsonNode v = cfg.get(key);
      if (v != null && !v.isNull()) {
        specials.put(key, v.isObject() ? v.path("content").asText() : v.asText());
      }
    }
    ChatTemplate template = new ChatTemplate(file + " [chat_template]", t.asText(), specials);
    return template;
  }

  /** True if {@code dir} has a tokenizer_config.json with a chat template. */
  public static boolean present(Path dir) throws IOException {
    Path f = dir.resolve("tokenizer_config.json");
    return Files.exists(f) && JSON.readTree(f.toFile()).hasNonNull("chat_template");
  }

  /**
   * The conversation as text, ready to tokenize without added special tokens.
   *
   * @param addGenerationPrompt end with the header that opens an assistant turn, for generation
   * @throws IllegalArgumentException naming the template's file and key when it does not render
   */
  public String render(List<Message> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", m.role());
      map.put("content", m.content());
      msgs.add(map);
    }
    Map<String, Object> vars = new HashMap<>(specialTokens);
    vars.put("messages", msgs);
    vars.put("add_generation_prompt", addGenerationPrompt);
    RenderResult r = jinjava.renderForResult(template, vars);
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new IllegalArgumentException(
            source + ": does not render" + (e.getLineno() > 0 ? " (template line " + e.getLineno() + ")" : "")
                + ": " + e.getMessage() + rootCause(e.getException()));
      }
    }
    return r.getOutput();
  }

  private static String rootCause(Throwable t) {
    if (t == null) {
      return "";
    }
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? "" : " (" + t.getMessage() + ")";
  }

  /** The special token named {@code key} (e.g. {@code eos_token}), or null. */
  public String specialToken(String key) {
    return specialTokens.get(key);
  }

  /** Bound to the templates' {@code raise_exception(msg)}; its message names the template. */
  public static String raiseException(String message) {
    throw new IllegalArgumentException("template raised: " + message);
  }
}
