package org.rlhfflow.activities.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.AiCollectActivities.AiComparisons;
import org.rlhfflow.activities.collect.AiCollectActivities.FinishAiInput;
import org.rlhfflow.activities.collect.AiCollectActivities.JudgeShard;
import org.rlhfflow.activities.collect.AiCollectActivities.ShardInput;
import org.rlhfflow.activities.collect.AiCollectActivities.ShardResult;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.ConstitutionLoader;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;

/** The fanned-out AI collect's activities, called as the workflow calls them, on untrained NANO models. */
class AiCollectFanoutTest {
  private static final Path CONSTITUTION = Path.of("../experiments/constitutions/assistant.yaml").toAbsolutePath();

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private static String yaml(Path judge, int shards) {
    return "name: ai-fanout\nseed: 4\nmodel:\n  preset: nano\n  block_size: 128\n"
        + "task:\n  name: assistant\n  train_prompts: 16\n  heldout_prompts: 8\nevaluation:\n  prompts: 8\nppo:\n  max_new_tokens: 8\n"
        + "preferences:\n  source: ai\n  prompts: 5\n  responses_per_prompt: 3\n  max_new_tokens: 8\n  ai:\n"
        + "    constitution: " + CONSTITUTION + "\n"
        + "    judge: " + judge + "\n    batch_size: 2\n    shards: " + shards + "\n";
  }

  private Path judgeDir() throws IOException {
    Path dir = tmp.resolve("judge");
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO.withBlockSize(192), new ByteTokenizer(), 8)) {
      lm.save(dir, 0, "test", null, Map.of());
    }
    return dir;
  }

  private static List<PreferencePair> read(StageServices services, ArtifactRef ref, Path tmp) throws IOException {
    return ArrowDatasets.readPreferences(services.store().get(ref, tmp.resolve(ref.sha256() + ".arrow")));
  }

  /** What the workflow does, shards called last first: they run in any order on any worker. */
  private static StageResult fanOut(AiCollectActivities acts, CollectInput input) {
    AiComparisons c = acts.sampleComparisons(input);
    if (c.reused() != null) {
      return c.reused();
    }
    List<ShardResult> results = new ArrayList<>();
    for (int s = c.shards().size() - 1; s >= 0; s--) {
      results.add(0, acts.judgeShard(new ShardInput(input, c, c.shards().get(s))));
    }
    return acts.finishAiCollect(new FinishAiInput(input, c, results, 2.0));
  }

  @Test
  void shardsGiveTheSingleActivitysPairsBitForBitAndItsCacheKey() throws IOException {
    Path judge = judgeDir();
    StageServices one = StageFixtures.services(tmp.resolve("one"));
    CollectInput single = new CollectInput(StageFixtures.context(yaml(judge, 1)), StageFixtures.nanoPolicy(one, tmp, 3), null);
    StageResult before = new CollectPreferencesActivitiesImpl(one).collect(single).run();

    StageServices three = StageFixtures.services(tmp.resolve("three"));
    CollectInput sharded = new CollectInput(StageFixtures.context(yaml(judge, 3)),
        StageFixtures.nanoPolicy(three, tmp.resolve("p3"), 3), null);
    AiCollectActivitiesImpl acts = new AiCollectActivitiesImpl(three);
    assertEquals(3, acts.sampleComparisons(sharded).shards().size());
    StageResult after = fanOut(acts, sharded);

    List<PreferencePair> expected = read(one, before.output("preferences"), tmp);
    assertTrue(expected.size() > 4, "enough comparisons for three shards: " + expected.size());
    assertEquals(expected, read(three, after.output("preferences"), tmp), "the same pairs and soft labels, to the bit");
    assertEquals(before.output("preferences").sha256(), after.output("preferences").sha256());
    // the merge has the key the collect activity has for the same spec (preferences.* includes shards)
    ExperimentSpec spec = SpecLoader.parse(sharded.ctx().specJson(), "sharded");
    assertEquals(StageRun.cacheKey(CollectStage.DEF, spec, CollectPreferencesActivitiesImpl.cacheInputs(spec, sharded)),
        after.cacheKey());
    for (String metric : before.metrics().keySet()) {
      assertTrue(after.metrics().containsKey(metric), "the merge logs " + metric);
    }
    assertEquals(3.0, after.metrics().get("collect/ai/shards"));
    assertEquals(expected.size() / 2.0, after.metrics().get("collect/ai/comparisons_per_s"), 1e-9); // labelSeconds 2

    // A pipeline that finds the stage done (by either path) samples nothing and schedules no shard.
    AiComparisons again = new AiCollectActivitiesImpl(one).sampleComparisons(single);
    assertEquals(before.output("preferences"), again.reused().output("preferences"));
    assertTrue(again.shards().isEmpty());
    assertNull(again.comparisons());
  }

  @Test
  void aRetriedShardContinuesFromItsLastCheckpoint() throws IOException {
    Path judge = judgeDir();
    StageServices services = StageFixtures.services(tmp.resolve("s"));
    CollectInput input = new CollectInput(StageFixtures.context(yaml(judge, 2)),
        StageFixtures.nanoPolicy(services, tmp, 3), null);
    AiCollectActivitiesImpl impl = new AiCollectActivitiesImpl(services);
    AiComparisons c = impl.sampleComparisons(input);
    JudgeShard shard = c.shards().get(1);
    assertTrue(shard.batches() >= 2, shard.toString());

    // The checkpoint an earlier attempt left after its first batch, with a mark no judge writes.
    Constitution constitution = ConstitutionLoader.load(CONSTITUTION, "c");
    Path file = services.store().get(c.comparisons(), tmp.resolve("comparisons.json"));
    List<Judge.Comparison> all = ComparisonFiles.readComparisons(file, constitution);
    List<Integer> first = Judge.batches(all, 2).get(shard.firstBatch());
    List<ComparisonFiles.StoredVerdict> marked = new ArrayList<>();
    for (int i : first) {
      marked.add(new ComparisonFiles.StoredVerdict(i, 0.125, 0.25, List.of("", "")));
    }
    Path dir = tmp.resolve("partial");
    ComparisonFiles.writeVerdicts(dir.resolve("verdicts.json"), marked);
    ArtifactRef checkpoint = services.store().putDirectory(dir);

    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(impl);
      env.setHeartbeatDetails(new StageRun.Progress(1, checkpoint, shard.batches()));
      AiCollectActivities stub = env.newActivityStub(AiCollectActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5)).build());
      ShardResult resumed = stub.judgeShard(new ShardInput(input, c, shard));
      List<ComparisonFiles.StoredVerdict> verdicts =
          ComparisonFiles.readVerdicts(services.store().get(resumed.verdicts(), tmp.resolve("v.json")));
      assertEquals(marked, verdicts.subList(0, first.size()), "the first batch is not judged again");
      assertEquals(resumed.comparisons(), verdicts.size());
      assertTrue(verdicts.size() > first.size());
      for (ComparisonFiles.StoredVerdict v : verdicts.subList(first.size(), verdicts.size())) {
        assertNotEquals(0.125, v.aFirst(), "later batches are judged: " + v);
        assertTrue(!first.contains(v.index()));
      }
    } finally {
      env.close();
    }
  }
}
