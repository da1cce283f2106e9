package org.rlhfflow.data;

import java.util.List;

/**
 * Renders a conversation as the text a model sees, as Hugging Face's {@code apply_chat_template}
 * does. {@link PreferenceImporter} renders TRL's conversational rows with one; a tokenizer's own
 * Jinja template (issue 15's renderer) plugs in through this interface.
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

  /** One turn: role ({@code system}, {@code user}, {@code assistant}) and its text. */
  record ChatMessage(String role, String content) {}
}
