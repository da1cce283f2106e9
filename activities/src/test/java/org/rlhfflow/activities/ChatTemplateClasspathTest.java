package org.rlhfflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.chat.ChatTemplate;
import org.rlhfflow.model.chat.ChatTemplate.Message;

/**
 * Chat templates render on the stages' classpath too: Temporal brings guava's -android flavour,
 * with which Jinjava fails (IncompatibleClassChangeError); the root pom pins the -jre flavour.
 */
class ChatTemplateClasspathTest {
  @Test
  void qwen2TemplateRendersWithTheStagesDependencies() {
    ChatTemplate t =
        new ChatTemplate(
            "inline",
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
                + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
                + "{{ '<|im_start|>assistant\\n' }}{% endif %}",
            Map.of());
    assertEquals(
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", t.render(List.of(Message.user("Hi")), true));
  }
}
