package org.rlhfflow.activities.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.AiCollectActivities.AiComparisons;
import org.rlhfflow.activities.collect.AiCollectActivities.FinishAiInput;
import org.rlhfflow.activities.collect.AiCollectActivities.ShardInput;
import org.rlhfflow.activities.collect.AiCollectActivities.ShardResult;
import org.rlhfflow.activities.rlcai.RlCaiPrompts;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;

/** RL-CAI's mixed labels: the AI judges the red-team prompts' pairs, the simulated humans the helpful ones'. */
class RlCaiCollectTest {
  private static final Path CONSTITUTION = Path.of("../experiments/constitutions/assistant.yaml").toAbsolutePath();

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private static String yaml(Path judge, double harmlessFraction) {
    return "name: rl-cai-collect\nseed: 4\nmodel:\n  preset: nano\n  block_size: 128\n"
        + "task:\n  name: assistant\n  train_prompts: 16\n  heldout_prompts: 8\nevaluation:\n  prompts: 8\nppo:\n  max_new_tokens: 8\n"
        + "preferences:\n  source: ai\n  prompts: 6\n  responses_per_prompt: 3\n  max_new_tokens: 8\n  ai:\n"
        + "    constitution: " + CONSTITUTION + "\n    judge: " + judge + "\n    batch_size: 2\n    shards: 2\n"
        + "rl_cai:\n  harmless_fraction: " + harmlessFraction + "\n";
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

  private static StageResult fanOut(AiCollectActivities acts, CollectInput input) {
    AiComparisons c = acts.sampleComparisons(input);
    List<ShardResult> results = new ArrayList<>();
    for (var shard : c.shards()) {
      results.add(acts.judgeShard(new ShardInput(input, c, shard)));
    }
    return acts.finishAiCollect(new FinishAiInput(input, c, results, 1.0));
  }

  @Test
  void redTeamPairsAreTheJudgesAndHelpfulPairsTheSimulatedHumans() throws IOException {
    String yaml = yaml(judgeDir(), 0.5);
    RlCaiPrompts.Split split = RlCaiPrompts.split(SpecLoader.parse(yaml, "x.yaml"));
    assertEquals(3, split.redTeam().size());
    assertEquals(3, split.helpful().size());

    StageServices services = StageFixtures.services(tmp.resolve("fan"));
    CollectInput input = new CollectInput(StageFixtures.context(yaml), StageFixtures.nanoPolicy(services, tmp, 3), null);
    StageResult fanned = fanOut(new AiCollectActivitiesImpl(services), input);
    List<PreferencePair> pairs = read(services, fanned.output("preferences"), tmp);

    Set<String> red = new HashSet<>(split.redTeam());
    Set<String> helpful = new HashSet<>(split.helpful());
    int ai = 0;
    int simulated = 0;
    for (PreferencePair p : pairs) {
      if (p.source().equals(AiCollection.SOURCE)) {
        assertTrue(red.contains(p.prompt()), "the judge labels red-team prompts only: " + p.prompt());
        assertTrue(p.softLabel() != null && p.principle() != null, "a judged pair carries its verdict and principle");
        ai++;
      } else {
        assertEquals(SimulatedCollection.SOURCE, p.source());
        assertTrue(helpful.contains(p.prompt()), "the simulated humans label helpful prompts only: " + p.prompt());
        simulated++;
      }
    }
    assertTrue(ai > 0 && simulated > 0, "both sources: " + ai + " judged, " + simulated + " simulated");
    assertEquals(ai, fanned.metrics().get("collect/rl_cai/harmless_pairs"));
    assertEquals(simulated, fanned.metrics().get("collect/rl_cai/helpful_pairs"));
    assertEquals(ai / (double) (ai + simulated), fanned.metrics().get("collect/rl_cai/harmless_pair_fraction"), 1e-12);
    assertEquals(6.0, fanned.metrics().get("collect/prompts"));

    // The single collect activity (workflows started before the fan-out) writes the same bytes.
    StageServices one = StageFixtures.services(tmp.resolve("one"));
    CollectInput single = new CollectInput(StageFixtures.context(yaml), StageFixtures.nanoPolicy(one, tmp.resolve("p1"), 3), null);
    StageResult collected = new CollectPreferencesActivitiesImpl(one).collect(single).run();
    assertEquals(fanned.output("preferences").sha256(), collected.output("preferences").sha256());
  }

  @Test
  void aFractionOfOneIsAllJudgedAndZeroAllSimulated() {
    RlCaiPrompts.Split all = RlCaiPrompts.split(SpecLoader.parse(yaml(Path.of("j"), 1.0), "x.yaml"));
    assertEquals(6, all.redTeam().size());
    assertTrue(all.helpful().isEmpty());
    RlCaiPrompts.Split none = RlCaiPrompts.split(SpecLoader.parse(yaml(Path.of("j"), 0.0), "x.yaml"));
    assertTrue(none.redTeam().isEmpty());
    assertEquals(6, none.helpful().size());
  }

  @Test
  void theFractionIsInTheCacheKeyOnlyUnderRlCai() throws IOException {
    String yaml = yaml(judgeDir(), 0.5);
    ArtifactRef policy = new ArtifactRef("mem://p", "a".repeat(64), 1);
    Map<String, String> half = keyInputs(yaml, policy);
    Map<String, String> most = keyInputs(yaml.replace("harmless_fraction: 0.5", "harmless_fraction: 0.75"), policy);
    Map<String, String> none = keyInputs(yaml.substring(0, yaml.indexOf("rl_cai:")), policy);
    assertEquals("0.5", half.get("rl_cai.harmless_fraction"));
    assertEquals("0.75", most.get("rl_cai.harmless_fraction"));
    assertEquals("safe", half.get("rl_cai.harmless_principles"), "the default: harmlessness principles only");
    assertEquals("comparison", half.get("rl_cai.judge_by"));
    assertEquals("false", half.get("rl_cai.ensemble"));
    Map<String, String> zero = keyInputs(yaml.replace("harmless_fraction: 0.5", "harmless_fraction: 0"), policy);
    assertFalse(zero.containsKey("rl_cai.judge_by"), "no judged pair: how they would be judged is not in the key");
    Map<String, String> without = new java.util.LinkedHashMap<>(half);
    List.of("rl_cai.harmless_fraction", "rl_cai.harmless_principles", "rl_cai.judge_by", "rl_cai.ensemble")
        .forEach(without::remove);
    assertEquals(without, none, "without rl_cai the key's inputs are RLAIF's");
  }

  private static Map<String, String> keyInputs(String yaml, ArtifactRef policy) {
    return CollectPreferencesActivitiesImpl.cacheInputs(SpecLoader.parse(yaml, "x.yaml"),
        new CollectInput(StageFixtures.context(yaml), policy, null));
  }
}
