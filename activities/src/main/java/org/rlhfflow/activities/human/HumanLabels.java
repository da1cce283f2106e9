package org.rlhfflow.activities.human;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.HumanCollectActivities.HumanItems;
import org.rlhfflow.activities.human.HumanCollectActivities.ItemBatch;
import org.rlhfflow.activities.human.LabelItems.Item;
import org.rlhfflow.activities.human.RankingPairs.Comparison;
import org.rlhfflow.data.HumanPreferences;
import org.rlhfflow.data.PreferencePair;

/**
 * The rankings of every batch to the preference dataset (output {@code preferences}), with the
 * agreement statistics logged per batch (step = batch index) and per annotator.
 */
final class HumanLabels {
  static final String SOURCE = "human";

  private final StageRun run;
  private final int k;

  HumanLabels(StageRun run, int k) {
    this.run = run;
    this.k = k;
  }

  StageResult finish(HumanItems items, List<FeedbackResult> results) throws IOException {
    List<HumanPreferences.Row> rows = new ArrayList<>();
    List<Ranking> all = new ArrayList<>();
    long ties = 0;
    for (int b = 0; b < results.size(); b++) {
      FeedbackResult result = results.get(b);
      ItemBatch batch = items.batches().get(b);
      LabelItems texts = HumanCollectActivitiesImpl.fetch(run, batch.items());
      List<Ranking> rankings = rankings(result);
      // Items in id order, rankings by annotator: rankings arrive in whatever order people work in, and
      // the dataset (so the reward model) must not depend on it.
      Map<String, List<Ranking>> byItem = new TreeMap<>(RankingPairs.byItem(sorted(rankings)));
      for (Map.Entry<String, List<Ranking>> e : byItem.entrySet()) {
        Item item = texts.item(e.getKey());
        for (Comparison c : RankingPairs.aggregate(e.getKey(), e.getValue(), k)) {
          HumanPreferences.Row row = row(item, c, e.getValue(), batch);
          if (row == null) {
            ties++;
          } else {
            rows.add(row);
          }
        }
      }
      logStats("human/batch/", Agreement.of(rankings, k), b);
      all.addAll(rankings);
    }
    Path file = run.workDir("out").resolve("preferences.arrow");
    HumanPreferences.write(file, rows);
    Agreement.Stats overall = Agreement.of(all, k);
    logAnnotators(overall, all);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("collect/items", (double) RankingPairs.byItem(all).size());
    metrics.put("collect/rankings", (double) all.size());
    metrics.put("collect/pairs", (double) rows.size());
    metrics.put("collect/skipped_ties", (double) ties);
    metrics.put("collect/annotators", (double) overall.itemsPerHour().size());
    putFinite(metrics, "human/agreement", overall.agreement());
    putFinite(metrics, "human/krippendorff_alpha", overall.alpha());
    putFinite(metrics, "human/items_per_hour", overall.batchItemsPerHour());
    metrics.forEach((key, v) -> run.metric(key, v, 0));
    return run.complete(Map.of("preferences", run.services().store().put(file)), metrics);
  }

  /** Inline (batches without a rankings key) or from the artifact store. */
  private List<Ranking> rankings(FeedbackResult result) throws IOException {
    if (result.stored() == null) {
      return result.rankings();
    }
    return RankingStoreActivitiesImpl.read(run.services().store(), run.workDir("rankings"), result.stored().rankings());
  }

  private static List<Ranking> sorted(List<Ranking> rankings) {
    List<Ranking> out = new ArrayList<>(rankings);
    out.sort(Comparator.comparing(Ranking::item).thenComparing(Ranking::annotator));
    return out;
  }

  /** The comparison as a row, or null when both responses are the same text (no preference). */
  private static HumanPreferences.Row row(Item item, Comparison c, List<Ranking> rankings, ItemBatch batch) {
    String chosen = item.responses().get(c.chosen()).text();
    String rejected = item.responses().get(c.rejected()).text();
    if (chosen.equals(rejected)) {
      return null;
    }
    Set<String> flags = new LinkedHashSet<>();
    for (Ranking r : rankings) {
      if (!r.flag().isEmpty()) {
        flags.add(r.flag() + ":" + r.annotator());
      }
    }
    // The token ids the policy sampled, so training sees exactly what people ranked.
    PreferencePair pair = new PreferencePair(item.prompt(), chosen, rejected, null, SOURCE,
        String.join(",", c.annotators()), List.copyOf(flags), item.responses().get(c.chosen()).tokenIds(),
        item.responses().get(c.rejected()).tokenIds());
    return new HumanPreferences.Row(pair, Instant.ofEpochMilli(c.lastTimeMillis()).toString(), c.softLabel(),
        item.id(), batch.items().sha256(), c.chosen(), c.rejected());
  }

  private void logStats(String prefix, Agreement.Stats s, long step) {
    logFinite(prefix + "agreement", s.agreement(), step);
    logFinite(prefix + "krippendorff_alpha", s.alpha(), step);
    logFinite(prefix + "items_per_hour", s.batchItemsPerHour(), step);
  }

  private void logAnnotators(Agreement.Stats s, List<Ranking> all) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    all.forEach(r -> counts.merge(r.annotator(), 1, Integer::sum));
    for (String who : s.itemsPerHour().keySet()) {
      String prefix = "human/annotator/" + who + "/";
      run.metric(prefix + "rankings", counts.get(who), 0);
      logFinite(prefix + "items_per_hour", s.itemsPerHour().get(who), 0);
      logFinite(prefix + "agreement", s.byAnnotator().getOrDefault(who, Double.NaN), 0);
    }
  }

  /** NaN (e.g. alpha with one annotator per item) is undefined, not a number to plot: skip it. */
  private void logFinite(String key, double value, long step) {
    if (Double.isFinite(value)) {
      run.metric(key, value, step);
    }
  }

  private static void putFinite(Map<String, Double> metrics, String key, double value) {
    if (Double.isFinite(value)) {
      metrics.put(key, value);
    }
  }
}
