package org.rlhfflow.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * Winner labels on pairwise rows ({@code output_1}/{@code output_2}/{@code label} as in LLMBar and
 * PandaLM, or several annotator columns): 1 keeps the order, 2 swaps it, 0 is a tie and yields no
 * pair. With several label fields the strict majority decides, and the agreement is tallied.
 */
final class PairLabels {
  private final List<String> fields;
  private long votedRows;
  private double agreementSum;

  PairLabels(List<String> fields) {
    this.fields = fields;
  }

  /** The winner, 1 or 2, and the row's agreement tag (empty with one annotator). */
  record Verdict(int winner, List<String> tags) {}

  Verdict decide(JsonNode row) throws LineRejected {
    int[] votes = new int[3];
    for (String f : fields) {
      votes[vote(row, f)]++;
    }
    int winner = 0;
    for (int v = 1; v < 3; v++) {
      if (votes[v] > votes[winner]) {
        winner = v;
      }
    }
    int top = votes[winner];
    int n = fields.size();
    if (n > 1) {
      votedRows++;
      agreementSum += (double) top / n;
    }
    for (int v = 0; v < 3; v++) {
      if (v != winner && votes[v] == top) {
        throw LineRejected.filtered("no_majority", "annotators split evenly: " + votes[1] + " for 1, " + votes[2] + " for 2, " + votes[0] + " ties");
      }
    }
    if (winner == 0) {
      throw LineRejected.filtered("tie", "labelled a tie: no preference to learn");
    }
    return new Verdict(winner, n > 1 ? List.of("agreement:" + top + "/" + n) : List.of());
  }

  /** Mean share of annotators who voted with the row's majority, over rows with several labels; null if none. */
  Double agreement() {
    return votedRows == 0 ? null : agreementSum / votedRows;
  }

  /** 0, 1 or 2, as a number or a string; MT-Bench's {@code model_a} / {@code model_b} / {@code tie*} too. */
  private static int vote(JsonNode row, String field) throws LineRejected {
    JsonNode v = row.get(field);
    if (v == null || v.isNull()) {
      throw LineRejected.malformed("missing_field", "missing label field \"" + field + "\"");
    }
    if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0 && v.intValue() <= 2) {
      return v.intValue();
    }
    if (v.isTextual()) {
      String s = v.textValue().trim().toLowerCase(Locale.ROOT);
      switch (s) {
        case "0", "tie" -> {
          return 0;
        }
        case "1", "model_a" -> {
          return 1;
        }
        case "2", "model_b" -> {
          return 2;
        }
        default -> {
          if (s.startsWith("tie")) { // MT-Bench: "tie (bothbad)"
            return 0;
          }
        }
      }
    }
    throw LineRejected.malformed("bad_label", "label field \"" + field + "\" is " + v + ", expected 1, 2 or 0 (tie)");
  }
}
