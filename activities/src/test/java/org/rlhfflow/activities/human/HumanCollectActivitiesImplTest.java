package org.rlhfflow.activities.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.StageFixtures;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.HumanCollectActivities.HumanItems;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.HumanPreferences;


/** Sampling items from a nano policy, then rankings to the preference dataset, for real. */
class HumanCollectActivitiesImplTest {
  @TempDir Path tmp;

  static final String YAML = "name: h\nmodel:\n  preset: nano\npreferences:\n  source: human\n  prompts: 5\n"
      + "  responses_per_prompt: 3\n  human:\n    items_per_batch: 3\n    min_annotators: 2\nppo:\n"
      + "  max_new_tokens: 6\n";

  @Test
  void itemsKeepTokenIdsAndRankingsBecomeAnImportableDatasetWhateverTheirOrder() throws Exception {
    StageServices services = StageFixtures.services(tmp);
    StageContext ctx = StageFixtures.context(YAML);
    HumanCollectActivitiesImpl impl = new HumanCollectActivitiesImpl(services);
    HumanItems items = impl.sampleItems(new CollectInput(ctx, StageFixtures.nanoPolicy(services, tmp, 1), null));
    assertEquals(List.of(3, 2), items.batches().stream().map(HumanCollectActivities.ItemBatch::count).toList());
    LabelItems first = LabelItems.read(services.store().get(items.batches().get(0).items(), tmp.resolve("i.json")));
    assertEquals(3, first.items().get(0).responses().size());
    assertTrue(first.items().get(0).responses().get(0).tokenIds().length > 0, "token ids are kept");

    List<FeedbackResult> results = new ArrayList<>();
    for (HumanCollectActivities.ItemBatch b : items.batches()) {
      List<Ranking> rs = new ArrayList<>();
      for (String id : b.itemIds()) {
        rs.add(new Ranking("alice", id, List.of(1, 2, 3), "", 1000));
        rs.add(new Ranking("bob", id, List.of(2, 1, 3), "unsafe", 2000));
      }
      results.add(new FeedbackResult("b" + b.index(), b.items(), rs, b.count(), b.count(), false));
    }
    StageResult r = impl.finish(new HumanCollectActivities.FinishInput(ctx, items, results));
    assertEquals(10.0, r.metrics().get("collect/rankings"));
    assertEquals(2.0, r.metrics().get("collect/annotators"));
    Path file = services.store().get(r.output("preferences"), tmp.resolve("p.arrow"));
    List<HumanPreferences.Row> rows = HumanPreferences.read(file);
    // (0,1) is an even split, a tie; (0,2) and (1,2) are unanimous: 2 pairs per item unless texts repeat.
    assertTrue(rows.size() <= 10 && rows.size() > 0, "rows " + rows.size());
    assertTrue(rows.stream().allMatch(x -> x.softLabel() == 1.0 && x.rejectedIndex() == 2));
    assertEquals("alice,bob", rows.get(0).pair().annotator());
    assertEquals(List.of("unsafe:bob"), rows.get(0).pair().tags());
    assertEquals(rows.size(), ArrowDatasets.readPreferences(file).size(), "imports like any preference file");

    // The same rankings arriving in another order (so another cache key: no reuse) give the same dataset.
    List<FeedbackResult> shuffled = new ArrayList<>();
    for (FeedbackResult f : results) {
      List<Ranking> rs = new ArrayList<>(f.rankings());
      Collections.reverse(rs);
      shuffled.add(new FeedbackResult(f.batchId(), f.items(), rs, f.itemsDone(), f.itemsTotal(), false));
    }
    StageResult again = impl.finish(new HumanCollectActivities.FinishInput(ctx, items, shuffled));
    assertTrue(!again.reused() && !again.cacheKey().equals(r.cacheKey()));
    assertEquals(r.output("preferences").sha256(), again.output("preferences").sha256());

    // The same rankings by reference (what batches with a rankings key return) give the same dataset.
    RankingStoreActivitiesImpl rankingStore = new RankingStoreActivitiesImpl(services.store(), tmp.resolve("rs"));
    List<FeedbackResult> stored = new ArrayList<>();
    for (FeedbackResult f : results) {
      FeedbackRecords.StoredRankings ref = rankingStore.save(
          new RankingStoreActivities.SaveInput("k-" + f.batchId(), null, f.rankings()));
      stored.add(new FeedbackResult(f.batchId(), f.items(), null, f.itemsDone(), f.itemsTotal(), false, ref));
    }
    StageResult byRef = impl.finish(new HumanCollectActivities.FinishInput(ctx, items, stored));
    assertEquals(10.0, byRef.metrics().get("collect/rankings"));
    assertEquals(r.output("preferences").sha256(), byRef.output("preferences").sha256());
  }

  /** A finished batch is found as finished; an unfinished one as who-ranked-what, for the validator. */
  @Test
  void theRankingStoreFindsFinishedAndHalfLabelledBatches() throws Exception {
    StageServices services = StageFixtures.services(tmp);
    RankingStoreActivitiesImpl store = new RankingStoreActivitiesImpl(services.store(), tmp.resolve("rs"));
    assertEquals(new RankingStoreActivities.Found(null, null), store.find(new RankingStoreActivities.FindInput("k", 0, 3)));
    FeedbackRecords.StoredRankings one = store.save(new RankingStoreActivities.SaveInput("k", null,
        List.of(new Ranking("alice", "p00001", List.of(1, 2), "", 5))));
    FeedbackRecords.StoredRankings two = store.save(new RankingStoreActivities.SaveInput("k", one,
        List.of(new Ranking("bob", "p00002", List.of(2, 1), "", 7))));
    assertEquals(2, two.count());
    FeedbackRecords.FeedbackState partial = store.find(new RankingStoreActivities.FindInput("k", 0, 3)).partial();
    assertEquals(two, partial.stored(), "the latest save wins");
    assertEquals(0, partial.deadlineMillis(), "a resumed batch waits afresh");
    assertEquals(List.of("alice", "bob"), partial.annotators());
    assertEquals(java.util.BitSet.valueOf(new long[] {0b010}), RankedSets.decode(partial.ranked().get("alice")));
    assertEquals(java.util.BitSet.valueOf(new long[] {0b100}), RankedSets.decode(partial.ranked().get("bob")));
    FeedbackResult done = new FeedbackResult("b0", null, null, 2, 3, true, two);
    store.recordLabelled(new RankingStoreActivities.LabelledInput("k", done));
    assertEquals(done, store.find(new RankingStoreActivities.FindInput("k", 0, 3)).finished());
    org.rlhfflow.store.Lineage.of(services.store()); // the pointers are not stage manifests: lineage skips them
  }
}
