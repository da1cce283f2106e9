package org.rlhfflow.workflows.human;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.RankedSets;

/** The mutable bookkeeping of one batch: who ranked what. Deterministic (insertion-ordered). */
final class Batch {
  final Set<String> annotators = new LinkedHashSet<>();
  private final List<String> itemIds;
  private final int quorum;
  private final Map<String, Set<String>> rankedBy = new LinkedHashMap<>();
  private final Map<String, Integer> byAnnotator = new LinkedHashMap<>();
  private final Map<String, Long> lastActive = new LinkedHashMap<>();
  private final List<Ranking> rankings = new ArrayList<>();
  private int done;
  /** Rankings of earlier runs that are in the artifact store, not in {@link #rankings}. */
  private int restored;

  Batch(List<String> itemIds, int quorum) {
    this.itemIds = itemIds;
    this.quorum = quorum;
    for (String id : itemIds) {
      rankedBy.put(id, new LinkedHashSet<>());
    }
  }

  void add(Ranking r) {
    Set<String> who = rankedBy.get(r.item());
    who.add(r.annotator());
    if (who.size() == quorum) {
      done++;
    }
    byAnnotator.merge(r.annotator(), 1, Integer::sum);
    lastActive.put(r.annotator(), r.timeMillis());
    rankings.add(r);
  }

  /** Who ranked what in earlier runs, from {@link RankedSets}; their rankings stay in the store. */
  void restore(Map<String, String> ranked, Map<String, Long> active, int count) {
    ranked.forEach((who, encoded) -> {
      BitSet bits = RankedSets.decode(encoded);
      for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
        rankedBy.get(itemIds.get(i)).add(who);
      }
      byAnnotator.put(who, bits.cardinality());
    });
    if (active != null) {
      lastActive.putAll(active);
    }
    done = (int) rankedBy.values().stream().filter(w -> w.size() >= quorum).count();
    restored = count;
  }

  /** Who ranked what, for the next run's state: one bit per (item, annotator). */
  Map<String, String> ranked() {
    return RankedSets.encode(itemIds, rankedBy);
  }

  /** Every ranking of the batch, this run's and earlier runs' stored ones. */
  int total() {
    return restored + rankings.size();
  }

  boolean hasItem(String item) {
    return rankedBy.containsKey(item);
  }

  boolean rankedBy(String item, String annotator) {
    return rankedBy.get(item).contains(annotator);
  }

  boolean isDone(String item) {
    return rankedBy.get(item).size() >= quorum;
  }

  int itemsDone() {
    return done;
  }

  int itemsTotal() {
    return itemIds.size();
  }

  int doneBy(String annotator) {
    return byAnnotator.getOrDefault(annotator, 0);
  }

  List<Ranking> rankings() {
    return rankings;
  }

  /**
   * Up to {@code limit} items the annotator may rank. Items with the fewest rankings come first, so
   * several annotators spread over the batch and items reach quorum one after another.
   */
  List<String> openFor(String annotator, int limit) {
    List<String> open = new ArrayList<>();
    for (int have = 0; have < quorum && open.size() < limit; have++) {
      for (String id : itemIds) {
        Set<String> who = rankedBy.get(id);
        if (who.size() == have && !who.contains(annotator)) {
          open.add(id);
          if (open.size() == limit) {
            break;
          }
        }
      }
    }
    return open;
  }

  Map<String, Integer> countsByAnnotator() {
    return new HashMap<>(byAnnotator);
  }

  Map<String, Long> lastActive() {
    return new HashMap<>(lastActive);
  }
}
