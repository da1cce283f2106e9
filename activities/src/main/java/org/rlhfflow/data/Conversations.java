package org.rlhfflow.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.data.ChatTemplate.ChatMessage;

/**
 * TRL's conversational preference rows (prompt, chosen and rejected as lists of {@code {role,
 * content}} messages) rendered to text the way TRL's {@code maybe_apply_chat_template} does: the
 * prompt with the generation prompt, each response as what the full conversation adds to it.
 */
final class Conversations {
  private final ChatTemplate template;

  Conversations(ChatTemplate template) {
    this.template = template;
  }

  /** Explicit prompt: a message list, or a string taken as one user message. */
  PairTexts explicit(JsonNode prompt, String promptField, List<ChatMessage> chosen, List<ChatMessage> rejected)
      throws LineRejected {
    List<ChatMessage> p = prompt.isTextual() ? List.of(new ChatMessage("user", prompt.textValue())) : messages(prompt, promptField);
    return render(p, chosen, rejected);
  }

  /** Implicit prompt: the messages both conversations share, whole messages only. */
  PairTexts implicit(List<ChatMessage> chosen, List<ChatMessage> rejected, String chosenField, String rejectedField)
      throws LineRejected {
    int k = 0;
    while (k < chosen.size() && k < rejected.size() && chosen.get(k).equals(rejected.get(k))) {
      k++;
    }
    if (k == 0) {
      throw LineRejected.malformed("no_shared_prompt", "the two conversations share no first message");
    }
    if (k == chosen.size() || k == rejected.size()) {
      String field = k == chosen.size() ? chosenField : rejectedField;
      throw LineRejected.malformed("no_response", "\"" + field + "\" has no message after the shared prompt");
    }
    return render(chosen.subList(0, k), chosen.subList(k, chosen.size()), rejected.subList(k, rejected.size()));
  }

  private PairTexts render(List<ChatMessage> prompt, List<ChatMessage> chosen, List<ChatMessage> rejected)
      throws LineRejected {
    try {
      String p = template.render(prompt, true);
      return new PairTexts(p, continuation(p, prompt, chosen), continuation(p, prompt, rejected));
    } catch (IllegalArgumentException e) {
      throw LineRejected.malformed("bad_message", e.getMessage());
    }
  }

  private String continuation(String renderedPrompt, List<ChatMessage> prompt, List<ChatMessage> response) throws LineRejected {
    List<ChatMessage> all = new ArrayList<>(prompt);
    all.addAll(response);
    String full = template.render(all, false);
    if (!full.startsWith(renderedPrompt)) {
      // TRL makes the same check: the response must extend the prompt as rendered for generation
      throw LineRejected.malformed("template_mismatch", "the chat template renders the conversation without the prompt as its prefix");
    }
    return full.substring(renderedPrompt.length());
  }

  /** A JSON list of {@code {role, content}} objects with string values. */
  static List<ChatMessage> messages(JsonNode list, String field) throws LineRejected {
    if (!list.isArray() || list.isEmpty()) {
      throw LineRejected.malformed("bad_message", "field \"" + field + "\" is not a non-empty message list");
    }
    List<ChatMessage> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonNode m = list.get(i);
      JsonNode role = m.get("role");
      JsonNode content = m.get("content");
      if (!m.isObject() || role == null || !role.isTextual() || content == null || !content.isTextual()) {
        String hint = content != null && content.isArray() ? " (content parts are not supported: give the text as a string)" : "";
        throw LineRejected.malformed(
            "bad_message", "field \"" + field + "\" message " + i + ": expected {\"role\": string, \"content\": string}" + hint);
      }
      out.add(new ChatMessage(role.textValue(), content.textValue()));
    }
    return out;
  }
}
