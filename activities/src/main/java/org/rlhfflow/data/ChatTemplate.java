package org.rlhfflow.data;

import java.util.List;

/**
 * Renders a conversation as the text a model sees, as Hugging Face's {@code apply_chat_template}
 * does. {@link PreferenceImporter} renders TRL's conversational rows with one: a tokenizer's own
 * Jinja template ({@link #of(org.rlhfflow.model.chat.ChatTemplate)}), or the documented default
 * {@link #hh()}.
 *
 * <pre>{@code
 * String prompt = ChatTemplate.hh().render(messages, true); // "\n\nHuman: hi\n\nAssistant:"
 * }</pre>
 */
@FunctionalInterface
public interface ChatTemplate {

  /**
   * @param addGenerationPrompt end with the opening of an assistant turn, as for a prompt
   * @throws IllegalArgumentException for a message the template cannot render (e.g. an unknown role)
   */
  String render(List<ChatMessage> messages, boolean addGenerationPrompt);

  /** Named in the import report, so a reader knows which template made the prompts. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * The documented default, Anthropic HH-RLHF's transcript layout (Bai et al. 2022), so conversational
   * rows import exactly as {@code --format hh} transcripts do: {@code "\n\nHuman: " + content} per
   * user turn, {@code "\n\nAssistant: " + content} per assistant turn, {@code "\n\nSystem: " +
   * content} per system turn; the generation prompt is {@code "\n\nAssistant:"}.
   */
  static ChatTemplate hh() {
    return HhChatTemplate.INSTANCE;
  }

  /**
   * A tokenizer's own Jinja template (its {@code tokenizer_config.json}), rendered by Jinjava; a
   * template that raises or fails on a row makes that row a bad row naming the template.
   */
  public static ChatTemplate of(org.rlhfflow.model.chat.ChatTemplate jinja, String name) {
    return new ChatTemplate() {
      @Override
      public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return jinja.render(
            messages.stream().map(m -> new org.rlhfflow.model.chat.ChatTemplate.Message(m.role(), m.content())).toList(),
            addGenerationPrompt);
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  /** The chat template of the Hugging Face tokenizer directory {@code dir} ({@code tokenizer_config.json}). */
  public static ChatTemplate ofTokenizer(java.nio.file.Path dir) {
    java.nio.file.Path cfg = dir.resolve("tokenizer_config.json");
    if (!java.nio.file.Files.isRegularFile(cfg)) {
      throw new IllegalArgumentException(cfg + ": no such file (--chat-template takes a tokenizer directory or \"default\")");
    }
    try {
      return of(org.rlhfflow.model.chat.ChatTemplate.fromTokenizerConfig(cfg), cfg + " [chat_template]");
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(cfg + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** {@code default} is {@link #hh()}; anything else is a tokenizer directory whose own template is used. */
  public static ChatTemplate named(String spec) {
    return spec == null || spec.equals("default") ? hh() : ofTokenizer(java.nio.file.Path.of(spec));
  }

  /** One turn: role ({@code system}, {@code user}, {@code assistant}) and its text. */
  record ChatMessage(String role, String content) {}
}
