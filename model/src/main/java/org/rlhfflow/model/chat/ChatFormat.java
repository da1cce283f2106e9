package org.rlhfflow.model.chat;

import java.util.List;

/**
 * How the stages put a task's prompt and response through a model's chat template, as TRL does
 * with {@code apply_chat_template}: the prompt is one user message rendered with the generation
 * prompt (what the policy samples after), and a training example is the rendered two-turn
 * conversation, whose text past the prompt is the response (the reply and the template's own
 * end-of-turn, e.g. {@code R<|im_end|>\n} for Qwen2).
 *
 * <pre>{@code
 * String p = format.prompt("12=");               // ...<|im_start|>assistant\n
 * String r = format.response("12=", "34567890"); // 34567890<|im_end|>\n
 * }</pre>
 */
public final class ChatFormat {
  private final ChatTemplate template;

  public ChatFormat(ChatTemplate template) {
    this.template = template;
  }

  /** The prompt as transformers renders {@code [user]} with {@code add_generation_prompt=True}. */
  public String prompt(String user) {
    return template.render(List.of(ChatTemplate.Message.user(user)), true);
  }

  /**
   * What the conversation {@code [user, assistant]} renders to after {@link #prompt}.
   *
   * @throws IllegalArgumentException when the prompt's rendering is not a prefix of the
   *     conversation's (a template that rewrites earlier turns once a reply follows)
   */
  public String response(String user, String assistant) {
    String p = prompt(user);
    String full = template.render(
        List.of(ChatTemplate.Message.user(user), ChatTemplate.Message.assistant(assistant)), false);
    if (!full.startsWith(p)) {
      throw new IllegalArgumentException("chat template: the rendered prompt is not a prefix of the rendered "
          + "conversation, so the response cannot be split off; prompt " + abbreviate(p));
    }
    return full.substring(p.length());
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? '"' + s + '"' : '"' + s.substring(0, 77) + "...\"";
  }
}
