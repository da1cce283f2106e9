package org.rlhfflow.data;

import java.util.List;

/** {@link ChatTemplate#hh()}: Human/Assistant turns as in Anthropic HH-RLHF transcripts. */
final class HhChatTemplate implements ChatTemplate {
  static final HhChatTemplate INSTANCE = new HhChatTemplate();

  private HhChatTemplate() {}

  @Override
  public String name() {
    return "the default (HH-RLHF Human/Assistant)";
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : messages) {
      out.append("\n\n").append(speaker(m.role())).append(": ").append(m.content());
    }
    if (addGenerationPrompt) {
      out.append(PairParser.ASSISTANT);
    }
    return out.toString();
  }

  private static String speaker(String role) {
    return switch (role) {
      case "user" -> "Human";
      case "assistant" -> "Assistant";
      case "system" -> "System";
      default -> throw new IllegalArgumentException("unknown role \"" + role + "\" (expected system, user or assistant)");
    };
  }
}
