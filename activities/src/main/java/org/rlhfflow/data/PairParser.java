package org.rlhfflow.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;

/**
 * Turns one JSONL line into a {@link PreferencePair}, or says why not. In the trl format the first
 * well-formed row decides whether prompts are explicit (it has the prompt field) or implicit
 * (shared prefix, see {@link SharedPrefix}); every later row must agree.
 */
final class PairParser {
  /** Anthropic HH-RLHF marks turns with these; the prompt runs through the last assistant marker. */
  static final String ASSISTANT = "\n\nAssistant:";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final ImportOptions options;
  private Boolean explicitPrompt;

  PairParser(ImportOptions options) {
    this.options = options;
  }

  /** How prompts were found, for the report. */
  String promptMode() {
    if (options.format() == ImportOptions.Format.HH) {
      return "hh (through the last \\n\\nAssistant:)";
    }
    if (explicitPrompt == null) {
      return "undetermined (no well-formed row)";
    }
    return explicitPrompt ? "explicit field \"" + options.promptField() + "\"" : "implicit (shared prefix)";
  }

  PreferencePair parse(String line) throws LineRejected {
    if (line.isBlank()) {
      throw LineRejected.malformed("empty_line", "empty line");
    }
    JsonNode row = readObject(line);
    String chosen = text(row, options.chosenField());
    String rejected = text(row, options.rejectedField());
    Double margin = margin(row);
    PreferencePair pair =
        options.format() == ImportOptions.Format.HH ? hh(chosen, rejected, margin) : trl(row, chosen, rejected, margin);
    if (pair.chosen().equals(pair.rejected())) {
      throw LineRejected.filtered("identical_responses", "chosen and rejected responses are identical");
    }
    return pair;
  }

  private PreferencePair trl(JsonNode row, String chosen, String rejected, Double margin) throws LineRejected {
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
    if (explicitPrompt) {
      return pair(text(row, options.promptField()), chosen, rejected, margin);
    }
    int cut = SharedPrefix.cut(chosen, rejected);
    if (cut == 0) {
      throw LineRejected.malformed("no_shared_prompt", "chosen and rejected share no prompt prefix");
    }
    return pair(chosen.substring(0, cut), chosen.substring(cut), rejected.substring(cut), margin);
  }

  /** Splits each transcript at its own last assistant turn; the two prompts must agree. */
  private PreferencePair hh(String chosen, String rejected, Double margin) throws LineRejected {
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
    return pair(prompt, chosen.substring(prompt.length()), rejected.substring(r + ASSISTANT.length()), margin);
  }

  private PreferencePair pair(String prompt, String chosen, String rejected, Double margin) {
    return new PreferencePair(prompt, chosen, rejected, margin, options.source(), null, List.of());
  }

  private static JsonNode readObject(String line) throws LineRejected {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw LineRejected.malformed(
          "invalid_json", "invalid JSON at column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    }
    if (!node.isObject()) {
      throw LineRejected.malformed("not_an_object", "expected a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return node;
  }

  private static String text(JsonNode row, String field) throws LineRejected {
    JsonNode v = row.get(field);
    if (v == null) {
      throw LineRejected.malformed("missing_field", "missing field \"" + field + "\"");
    }
    if (!v.isTextual()) {
      String hint = v.isArray() ? " (conversational message lists are not supported)" : "";
      throw LineRejected.malformed(
          "wrong_type", "field \"" + field + "\" is " + v.getNodeType().name().toLowerCase(Locale.ROOT) + ", expected a string" + hint);
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

  /** Why a line was not imported. Malformed lines obey --on-bad-line; filtered pairs are always skipped. */
  static final class LineRejected extends Exception {
    private static final long serialVersionUID = 1L;

    final String reason;
    final boolean malformed;

    private LineRejected(String reason, String detail, boolean malformed) {
      super(detail, null, false, false); // control flow: no stack trace
      this.reason = reason;
      this.malformed = malformed;
    }

    static LineRejected malformed(String reason, String detail) {
      return new LineRejected(reason, detail, true);
    }

    static LineRejected filtered(String reason, String detail) {
      return new LineRejected(reason, detail, false);
    }
  }
}
