package org.rlhfflow.activities.collect;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.feedback.Principle;
import org.rlhfflow.store.Json;

/**
 * The JSON files that pass between the fan-out's activities: the sampled comparisons (principles
 * by id) and a shard's verdicts (by comparison index). Sorted-key JSON, so equal content is equal
 * bytes and a re-run stores the same blob; doubles round-trip exactly.
 */
final class ComparisonFiles {
  private ComparisonFiles() {}

  record StoredComparison(String principle, String prompt, String a, String b) {}

  record StoredVerdict(int index, double aFirst, double bFirst, List<String> rationales) {}

  static void writeComparisons(Path file, List<Judge.Comparison> comparisons) throws IOException {
    List<StoredComparison> out = new ArrayList<>(comparisons.size());
    for (Judge.Comparison c : comparisons) {
      out.add(new StoredComparison(c.principle().id(), c.prompt(), c.a(), c.b()));
    }
    Files.createDirectories(file.getParent());
    Json.MAPPER.writeValue(file.toFile(), out);
  }

  /** The comparisons, principles looked up in the constitution the stage's cache key names. */
  static List<Judge.Comparison> readComparisons(Path file, Constitution constitution) throws IOException {
    List<StoredComparison> in = Json.MAPPER.readValue(file.toFile(), new TypeReference<List<StoredComparison>>() {});
    List<Judge.Comparison> out = new ArrayList<>(in.size());
    for (StoredComparison c : in) {
      Principle p = constitution.principle(c.principle()).orElseThrow(() -> new IllegalStateException(
          file + ": principle " + c.principle() + " is not in the constitution"));
      out.add(new Judge.Comparison(p, c.prompt(), c.a(), c.b()));
    }
    return out;
  }

  static void writeVerdicts(Path file, List<StoredVerdict> verdicts) throws IOException {
    Files.createDirectories(file.getParent());
    Json.MAPPER.writeValue(file.toFile(), verdicts);
  }

  static List<StoredVerdict> readVerdicts(Path file) throws IOException {
    return Json.MAPPER.readValue(file.toFile(), new TypeReference<List<StoredVerdict>>() {});
  }

  static StoredVerdict stored(int index, Judge.Verdict v) {
    return new StoredVerdict(index, v.aFirst(), v.bFirst(), List.of(v.rationales()));
  }

  static Judge.Verdict verdict(StoredVerdict v) {
    return new Judge.Verdict(v.aFirst(), v.bFirst(), v.rationales().toArray(String[]::new));
  }
}
