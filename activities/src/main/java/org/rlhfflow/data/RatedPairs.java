package org.rlhfflow.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * UltraFeedback-style rows (one prompt, several completions with scores; Cui et al. 2023) to
 * pairs. Best-vs-random is the rule of HuggingFaceH4/ultrafeedback_binarized: the best completion
 * against one random completion scored lower. All-above-gap keeps every pair whose scores differ
 * by more than the gap. The margin is the score difference.
 */
final class RatedPairs {
  private final ImportOptions.Ratings ratings;

  RatedPairs(ImportOptions.Ratings ratings) {
    this.ratings = ratings;
  }

  private record Scored(String response, double score) {}

  /** @param rowIndex 0-based row number, mixed into the seed so each row draws independently */
  List<PreferencePair> pairs(JsonNode row, String prompt, String source, long rowIndex) throws LineRejected {
    List<Scored> all = completions(row);
    List<PreferencePair> out = new ArrayList<>();
    if (ratings.pairing() == ImportOptions.Pairing.BEST_VS_RANDOM) {
      int best = 0;
      for (int i = 1; i < all.size(); i++) {
        if (all.get(i).score() > all.get(best).score()) {
          best = i;
        }
      }
      List<Scored> lower = new ArrayList<>();
      for (Scored s : all) {
        if (all.get(best).score() - s.score() > ratings.scoreGap() && !s.response().equals(all.get(best).response())) {
          lower.add(s);
        }
      }
      if (!lower.isEmpty()) {
        Scored other = lower.get(new SplittableRandom(ratings.seed() * 0x9E3779B97F4A7C15L + rowIndex).nextInt(lower.size()));
        out.add(pair(prompt, all.get(best), other, source));
      }
    } else {
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          Scored a = all.get(i);
          Scored b = all.get(j);
          if (Math.abs(a.score() - b.score()) > ratings.scoreGap() && !a.response().equals(b.response())) {
            out.add(a.score() > b.score() ? pair(prompt, a, b, source) : pair(prompt, b, a, source));
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw LineRejected.filtered("no_score_gap", "no two distinct completions differ in score by more than " + ratings.scoreGap());
    }
    return out;
  }

  private static PreferencePair pair(String prompt, Scored chosen, Scored rejected, String source) {
    return new PreferencePair(prompt, chosen.response(), rejected.response(), chosen.score() - rejected.score(), source, null, List.of());
  }

  private List<Scored> completions(JsonNode row) throws LineRejected {
    String field = ratings.completionsField();
    JsonNode list = row.get(field);
    if (list == null) {
      throw LineRejected.malformed("missing_field", "missing field \"" + field + "\"");
    }
    if (!list.isArray()) {
      throw LineRejected.malformed("wrong_type", "field \"" + field + "\" is not a list of completions");
    }
    List<Scored> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      JsonNode text = c.get(ratings.responseField());
      JsonNode score = c.get(ratings.scoreField());
      if (text == null || !text.isTextual() || score == null || !score.isNumber()) {
        throw LineRejected.malformed(
            "bad_completion",
            "\"" + field + "\"[" + i + "] needs a string \"" + ratings.responseField() + "\" and a number \"" + ratings.scoreField() + "\"");
      }
      out.add(new Scored(text.textValue(), score.doubleValue()));
    }
    if (out.size() < 2) {
      throw LineRejected.filtered("too_few_completions", "fewer than two completions: nothing to compare");
    }
    return out;
  }
}
