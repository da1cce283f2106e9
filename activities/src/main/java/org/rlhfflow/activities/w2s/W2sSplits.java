package org.rlhfflow.activities.w2s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.train.EpochBatches;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.LabelledText;
import org.rlhfflow.data.LabelledTexts;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.activities.collect.PreferenceSpec;
import org.rlhfflow.store.Json;

/**
 * One seed's data: the labelled examples from the task or dataset, shuffled by the seed and cut
 * into test, train1 and train2 (the reference's split: the weak model trains on the first half of
 * the training data and labels the second).
 */
final class W2sSplits {
  record Splits(List<LabelledText> train1, List<LabelledText> train2, List<LabelledText> test) {}

  private W2sSplits() {}

  /** The examples before splitting: the built-in task's, the dataset's or the preference pairs'. */
  static List<LabelledText> examples(W2sSpec w, long seed) {
    int wanted = w.train1Size() + w.train2Size() + w.testSize();
    if (w.dataset() != null) {
      return LabelledTexts.read(Path.of(w.dataset()));
    }
    if (w.preferenceDataset() != null) {
      return fromPairs(Datasets.preferences(Path.of(w.preferenceDataset()), format(w.preferenceFormat())), seed);
    }
    long stream = Seeds.derive(seed, "w2s", "data");
    return switch (w.task()) {
      case BalanceTask.NAME -> BalanceTask.generate(wanted, stream);
      case HalvesTask.NAME -> HalvesTask.generate(wanted, stream);
      case WeightedTask.NAME -> WeightedTask.generate(wanted, stream);
      default -> throw new ValidationException("w2s.task: unknown built-in task \"" + w.task() + "\" (known: "
          + String.join(", ", W2sSpec.TASKS) + "); or set w2s.dataset");
    };
  }

  private static PreferenceSpec.DatasetFormat format(W2sSpec.Format f) {
    return PreferenceSpec.DatasetFormat.valueOf(f.name());
  }

  /**
   * The reward-modelling setting (Burns et al. 2023, sec. 3): both responses in one text, in an
   * order drawn per pair, labelled 1 when the first is the chosen one. The prompt comes first, so
   * truncation to the block drops the oldest turns before any response.
   */
  static List<LabelledText> fromPairs(List<PreferencePair> pairs, long seed) {
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "w2s", "pair-order"));
    List<LabelledText> out = new ArrayList<>(pairs.size());
    for (PreferencePair p : pairs) {
      boolean chosenFirst = rng.nextBoolean();
      String a = chosenFirst ? p.chosen() : p.rejected();
      String b = chosenFirst ? p.rejected() : p.chosen();
      out.add(new LabelledText(p.prompt() + "\n\nResponse 1: " + a + "\n\nResponse 2: " + b, chosenFirst ? 1 : 0));
    }
    return out;
  }

  /** Shuffles by the seed and cuts test, train1, train2, each capped at what is left. */
  static Splits split(List<LabelledText> rows, W2sSpec w, long seed, String source) {
    int[] order = EpochBatches.shuffled(rows.size(), new SplittableRandom(Seeds.derive(seed, "w2s", "split")));
    int test = Math.min(w.testSize(), rows.size());
    int train1 = Math.min(w.train1Size(), rows.size() - test);
    int train2 = Math.min(w.train2Size(), rows.size() - test - train1);
    if (test == 0 || train1 == 0 || train2 == 0) {
      String empty = test == 0 ? "test" : train1 == 0 ? "train1" : "train2";
      throw new ValidationException(source + ": " + rows.size() + " examples leave split " + empty + " empty (w2s."
          + "test_size " + w.testSize() + ", train1_size " + w.train1Size() + ", train2_size " + w.train2Size()
          + " are taken in that order)");
    }
    return new Splits(pick(rows, order, test, test + train1), pick(rows, order, test + train1, test + train1 + train2),
        pick(rows, order, 0, test));
  }

  private static List<LabelledText> pick(List<LabelledText> rows, int[] order, int from, int to) {
    List<LabelledText> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(rows.get(order[i]));
    }
    return out;
  }

  static Path write(List<LabelledText> rows, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (LabelledText r : rows) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("text", r.text());
        o.put("label", r.label());
        out.write(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(o));
        out.write('\n');
      }
    }
    return file;
  }

  /** Reads a split written by {@link #write}: it is our own artifact, so it is trusted to parse. */
  static List<LabelledText> read(Path file) throws IOException {
    List<LabelledText> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        JsonNode o = Json.MAPPER.readTree(line);
        rows.add(new LabelledText(o.get("text").asText(), o.get("label").asInt()));
      }
    }
    return rows;
  }

  static double positiveFraction(List<LabelledText> rows) {
    return rows.stream().mapToInt(LabelledText::label).average().orElse(0);
  }
}
