package org.rlhfflow.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.rlhfflow.activities.collect.PreferenceSpec;

/**
 * Loads the datasets an experiment spec names ({@code data.*}), whatever their format: Arrow IPC
 * files, or JSONL (optionally gzipped) with the same field names as the Arrow columns. JSONL is
 * strict here: the first bad line fails with its number (use {@code rlhf import} to skip lines).
 */
public final class Datasets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Datasets() {}

  /**
   * Preference pairs in the spec's {@code preferences.dataset_format}. An empty file gives no pairs
   * here: the stage that reads it fails naming its spec key, not the import CLI's --allow-empty.
   */
  public static List<PreferencePair> preferences(Path file, PreferenceSpec.DatasetFormat format) {
    return switch (format) {
      case ARROW -> ArrowDatasets.readPreferences(file);
      case TRL -> PreferenceImporter.read(file, ImportOptions.trl().withAllowEmpty(true)).pairs();
      case HH -> PreferenceImporter.read(file, ImportOptions.hh().withAllowEmpty(true)).pairs();
    };
  }

  /** SFT pairs from Arrow, or JSONL rows {@code {"prompt": ..., "response": ...}}. */
  public static List<SftPair> sftPairs(Path file) {
    if (isArrow(file)) {
      return ArrowDatasets.readSftPairs(file);
    }
    return readJsonl(file, row -> new SftPair(text(row, "prompt", true), text(row, "response", true)));
  }

  /** Prompts from Arrow, or JSONL rows {@code {"prompt": ..., "id": ...}} ({@code id} optional). */
  public static List<Prompt> prompts(Path file) {
    if (isArrow(file)) {
      return ArrowDatasets.readPrompts(file);
    }
    return readJsonl(file, row -> new Prompt(text(row, "prompt", true), text(row, "id", false)));
  }

  /** Arrow by extension ({@code .arrow}, {@code .feather}, {@code .ipc}); anything else is read as JSONL. */
  public static boolean isArrow(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".arrow") || name.endsWith(".feather") || name.endsWith(".ipc");
  }

  private static <T> List<T> readJsonl(Path file, Function<JsonNode, T> convert) {
    List<T> rows = new ArrayList<>();
    try (JsonlLines lines = JsonlLines.open(file)) {
      for (String line = lines.next(); line != null; line = lines.next()) {
        try {
          JsonNode row = JSON.readTree(line);
          if (row == null || !row.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
          }
          rows.add(convert.apply(row));
        } catch (JsonProcessingException | IllegalArgumentException e) {
          String why = e instanceof JsonProcessingException j ? "invalid JSON: " + j.getOriginalMessage() : e.getMessage();
          throw new DatasetException(file, "line " + lines.lineNumber() + ": " + why);
        }
      }
    }
    return rows;
  }

  private static String text(JsonNode row, String field, boolean required) {
    JsonNode v = row.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException("missing field \"" + field + "\"");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field \"" + field + "\" is not a string");
    }
    return v.textValue();
  }
}
