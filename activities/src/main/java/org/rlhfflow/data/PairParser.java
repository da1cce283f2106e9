package org.rlhfflow.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * Turns one row into preference pairs, or says why not. In the trl format the first well-formed
 * row decides whether prompts are explicit (it has the prompt field) or implicit (shared prefix,
 * see {@link SharedPrefix}); every later row must agree. Message lists are rendered with the chat
 * template ({@link Conversations}); label fields order or drop the pair ({@link PairLabels}); rated
 * rows give pairs by score ({@link RatedPairs}).
 */
final class PairParser {
  /** Anthropic HH-RLHF marks turns with these; the prompt runs through the last assistant marker. */
  static final String ASSISTANT = "\n\nAssistant:";

  private final ImportOptions options;
  private final Conversations conversations;
  private final PairLabels labels;
  private final RatedPairs rated;
  private Boolean explicitPrompt;
  private boolean conversational;
  private long rows;

  PairParser(ImportOptions options) {
    this.options = options;
    this.conversations = new Conversations(options.chatTemplate());
    this.labels = options.labelFields().isEmpty() ? null : new PairLabels(options.labelFields());
    this.rated = new RatedPairs(options.ratings());
  }

  /** How prompts were found, for the report. */
  String promptMode() {
    return switch (options.format()) {
      case HH -> "hh (through the last \\n\\nAssistant:)";
      case RATED -> "field \"" + options.promptField() + "\", " + options.ratings().pairing().name().toLowerCase(Locale.ROOT).replace('_', '-');
      case TRL -> {
        if (explicitPrompt == null) {
          yield "undetermined (no well-formed row)";
        }
        String mode = explicitPrompt ? "explicit field \"" + options.promptField() + "\"" : "implicit (shared prefix)";
        yield conversational ? mode + ", messages rendered by chat template " + options.chatTemplate().name() : mode;
      }
    };
  }

  /** Annotator agreement with the majority label; null without several label fields. */
  Double agreement() {
    return labels == null ? null : labels.agreement();
  }

  /** @throws UnpairedFeedback for KTO-style rows, whatever --on-bad-line says: the whole file is of the wrong kind */
  List<PreferencePair> parse(JsonNode row) throws LineRejected {
    long index = rows++;
    rejectUnpaired(row);
    if (options.format() == ImportOptions.Format.RATED) {
      return rated.pairs(row, text(row, options.promptField()), options.source(), index);
    }
    PreferencePair pair = options.format() == ImportOptions.Format.HH ? hh(row) : trl(row);
    if (pair.chosen().equals(pair.rejected())) {
      throw LineRejected.filtered("identical_responses", "chosen and rejected responses are identical");
    }
    return List.of(pair);
  }

  private PreferencePair trl(JsonNode row) throws LineRejected {
    JsonNode first = required(row, options.chosenField());
    JsonNode second = required(row, options.rejectedField());
    boolean hasPrompt = row.has(options.promptField());
    if (explicitPrompt == null) {
      explicitPrompt = hasPrompt;
    } else if (explicitPrompt != hasPrompt) {
      throw LineRejected.malformed(
          explicitPrompt ? "missing_field" : "mixed_prompt_format",
          explicitPrompt
              ? "missing field \"" + options.promptField() + "\" (earlier rows have it)"
              : "has field \"" + options.promptField() + "\" but earlier rows have implicit prompts");
    }
    PairTexts texts = first.isArray() || second.isArray() ? conversation(row, first, second) : plain(row, first, second);
    List<String> tags = List.of();
    if (labels != null) {
      PairLabels.Verdict verdict = labels.decide(row);
      texts = verdict.winner() == 2 ? texts.swapped() : texts;
      tags = verdict.tags();
    }
    return new PreferencePair(texts.prompt(), texts.first(), texts.second(), margin(row), options.source(), null, tags);
  }

  private PairTexts plain(JsonNode row, JsonNode first, JsonNode second) throws LineRejected {
    String a = text(options.chosenField(), first);
    String b = text(options.rejectedField(), second);
    if (explicitPrompt) {
      return new PairTexts(text(row, options.promptField()), a, b);
    }
    int cut = SharedPrefix.cut(a, b);
    if (cut == 0) {
      throw LineRejected.malformed("no_shared_prompt", "chosen and rejected share no prompt prefix");
    }
    return new PairTexts(a.substring(0, cut), a.substring(cut), b.substring(cut));
  }

  private PairTexts conversation(JsonNode row, JsonNode first, JsonNode second) throws LineRejected {
    var a = Conversations.messages(first, options.chosenField());
    var b = Conversations.messages(second, options.rejectedField());
    conversational = true;
    return explicitPrompt
        ? conversations.explicit(row.get(options.promptField()), options.promptField(), a, b)
        : conversations.implicit(a, b, options.chosenField(), options.rejectedField());
  }

  /** Splits each transcript at its own last assistant turn; the two prompts must agree. */
  private PreferencePair hh(JsonNode row) throws LineRejected {
    String chosen = text(row, options.chosenField());
    String rejected = text(row, options.rejectedField());
    int c = chosen.lastIndexOf(ASSISTANT);
    int r = rejected.lastIndexOf(ASSISTANT);
    if (c < 0 || r < 0) {
      String field = c < 0 ? options.chosenField() : options.rejectedField();
      throw LineRejected.malformed("no_assistant_turn", "\"" + field + "\" has no \\n\\nAssistant: turn");
    }
    String prompt = chosen.substring(0, c + ASSISTANT.length());
    if (!prompt.equals(rejected.substring(0, r + ASSISTANT.length()))) {
      throw LineRejected.filtered("prefix_mismatch", "chosen and rejected differ before their last Assistant turn");
    }
    return new PreferencePair(
        prompt, chosen.substring(prompt.length()), rejected.substring(r + ASSISTANT.length()), margin(row), options.source(), null, List.of());
  }

  /**
   * TRL's unpaired preference format (prompt, completion, boolean label), KTO's input (Ethayarajh
   * et al. 2024). A Bradley-Terry reward model needs two responses to one prompt; pairing
   * unrelated thumbs-up and thumbs-down completions would invent comparisons nobody made.
   */
  private void rejectUnpaired(JsonNode row) {
    if (!row.has(options.chosenField()) && row.has("completion") && row.path("label").isBoolean()) {
      throw new UnpairedFeedback(
          "unpaired binary feedback (prompt/completion/label, KTO's format) is not supported: the reward model trains on"
              + " pairs, so each row needs a chosen and a rejected response");
    }
  }

  private static JsonNode required(JsonNode row, String field) throws LineRejected {
    JsonNode v = row.get(field);
    if (v == null) {
      throw LineRejected.malformed("missing_field", "missing field \"" + field + "\"");
    }
    return v;
  }

  private static String text(JsonNode row, String field) throws LineRejected {
    return text(field, required(row, field));
  }

  private static String text(String field, JsonNode v) throws LineRejected {
    if (!v.isTextual()) {
      throw LineRejected.malformed(
          "wrong_type", "field \"" + field + "\" is " + v.getNodeType().name().toLowerCase(Locale.ROOT) + ", expected a string");
    }
    return v.textValue();
  }

  private Double margin(JsonNode row) throws LineRejected {
    if (options.marginField() == null) {
      return null;
    }
    JsonNode v = row.get(options.marginField());
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw LineRejected.malformed(
          "wrong_type", "field \"" + options.marginField() + "\" is " + v.getNodeType().name().toLowerCase(Locale.ROOT) + ", expected a number");
    }
    return v.doubleValue();
  }

  /** A file of a layout the importer refuses as a whole. */
  static final class UnpairedFeedback extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnpairedFeedback(String message) {
      super(message, null, false, false);
    }
  }
}
