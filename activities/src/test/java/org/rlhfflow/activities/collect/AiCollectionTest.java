package org.rlhfflow.activities.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.store.ArtifactRef;

/** The collect stage with preferences.source: ai, on untrained NANO models: the mechanics, not the quality. */
class AiCollectionTest {
  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private String yaml(Path judge, int shards) {
    return "name: ai-test\nseed: 4\nmodel:\n  preset: nano\n  block_size: 128\n"
        + "task:\n  name: assistant\n  train_prompts: 16\n  heldout_prompts: 8\nevaluation:\n  prompts: 8\n"
        + "ppo:\n  max_new_tokens: 8\n"
        + "preferences:\n  source: ai\n  prompts: 5\n  responses_per_prompt: 3\n  max_new_tokens: 8\n  ai:\n"
        + "    constitution: " + Path.of("../experiments/constitutions/assistant.yaml").toAbsolutePath() + "\n"
        + "    judge: " + judge + "\n    batch_size: 4\n    exemplars: 1\n    shards: " + shards + "\n";
  }

  private Path judgeDir(long seed) throws IOException {
    Path dir = tmp.resolve("judge-" + seed);
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO.withBlockSize(192), new ByteTokenizer(), seed)) {
      lm.save(dir, 0, "test", null, Map.of());
    }
    return dir;
  }

  private static List<PreferencePair> read(StageServices services, ArtifactRef ref, Path tmp) throws IOException {
    return ArrowDatasets.readPreferences(services.store().get(ref, tmp.resolve(ref.sha256() + ".arrow")));
  }

  @Test
  void judgedPairsCarrySoftLabelsPrinciplesAndTheJudgeAndShardsChangeNothing() throws IOException {
    StageServices services = StageFixtures.services(tmp.resolve("one"));
    ArtifactRef policy = StageFixtures.nanoPolicy(services, tmp, 3);
    Path judge = judgeDir(8);
    StageResult r = new CollectPreferencesActivitiesImpl(services)
        .collect(new CollectInput(StageFixtures.context(yaml(judge, 1)), policy, null)).run();
    List<PreferencePair> pairs = read(services, r.output("preferences"), tmp);
    assertEquals(r.metrics().get("collect/ai/comparisons"), (double) pairs.size());
    assertTrue(pairs.size() > 0 && pairs.size() <= 5 * 3);
    for (PreferencePair p : pairs) {
      assertTrue(p.softLabel() >= 0.5 && p.softLabel() <= 1, p.toString());
      assertTrue(Set.of("safe", "helpful").contains(p.principle()), p.principle());
      assertEquals(JudgeModel.digest(judge), p.judgeSha256());
      assertEquals("ai", p.source());
    }
    double bias = r.metrics().get("collect/ai/position_bias_rate");
    assertTrue(bias >= 0 && bias <= 1);
    assertTrue(r.metrics().get("collect/ai/comparisons_per_s") > 0);

    StageServices other = StageFixtures.services(tmp.resolve("two"));
    ArtifactRef policy2 = StageFixtures.nanoPolicy(other, tmp.resolve("p2"), 3);
    StageResult sharded = new CollectPreferencesActivitiesImpl(other)
        .collect(new CollectInput(StageFixtures.context(yaml(judge, 3)), policy2, null)).run();
    // Shards are runs of the same batches (Judge.batches), so the labels are the same to the bit.
    assertEquals(pairs, read(other, sharded.output("preferences"), tmp));
  }

  @Test
  void badJudgeOrConstitutionFailsBeforeLabelling() throws IOException {
    StageServices services = StageFixtures.services(tmp);
    ArtifactRef policy = StageFixtures.nanoPolicy(services, tmp, 3);
    Path judge = judgeDir(8);
    assertValidation(services, policy, yaml(tmp.resolve("no-such-judge"), 1), "preferences.ai.judge", "no-such-judge");
    assertValidation(services, policy, yaml(judge, 1) + "    option_first: AB\n", "preferences.ai.option_first", "'AB' is 2 tokens");
    Path empty = Files.createDirectories(tmp.resolve("empty-dir"));
    assertValidation(services, policy, yaml(empty, 1), "preferences.ai.judge", "config.json");
    Path badConfig = judgeDir(9);
    Files.writeString(badConfig.resolve("checkpoint.json"), Files.readString(badConfig.resolve("checkpoint.json"))
        .replace("\"nEmbd\" : 64", "\"nEmbd\" : 32"));
    assertValidation(services, policy, yaml(badConfig, 1), "preferences.ai.judge");
    Path constitution = Files.writeString(tmp.resolve("c.yaml"), "principles:\n  - id: x\n    comparison: q\n");
    assertValidation(services, policy,
        yaml(judge, 1).replaceAll("constitution: .*\n", "constitution: " + constitution + "\n"),
        "c.yaml:2:5", "principles[0].critique");
    assertValidation(services, policy, yaml(judge, 1).replace("judge: " + judge, "judge: pretrain"),
        "preferences.ai.judge: pretrain");
  }

  @Test
  void aDatasetPrincipleTheConstitutionLacksIsRejected() throws IOException {
    StageServices services = StageFixtures.services(tmp);
    Path file = tmp.resolve("p.arrow");
    ArrowDatasets.writePreferences(file, List.of(new PreferencePair("fix bike x3?", "ok: fix bike x3.", "no.",
        null, "ai", "judge", List.of(), null, null, 0.8, "kind", null)));
    String yaml = "name: d\npreferences:\n  source: dataset\n  ai:\n    constitution: "
        + Path.of("../experiments/constitutions/assistant.yaml").toAbsolutePath()
        + "\ndata:\n  preference_dataset: " + file + "\n";
    assertValidation(services, null, yaml, "data.preference_dataset", "p.arrow", "[kind]");
  }

  private int runs;

  /** Each case in its own store and tracker: a failed run's params must not meet the next case's. */
  private void assertValidation(StageServices unused, ArtifactRef withPolicy, String yaml, String... parts)
      throws IOException {
    Path dir = tmp.resolve("case-" + runs++);
    StageServices services = StageFixtures.services(dir);
    ArtifactRef policy = withPolicy == null ? null : StageFixtures.nanoPolicy(services, dir, 3);
    StageContext ctx = StageFixtures.context(yaml);
    ApplicationFailure f = assertThrows(ApplicationFailure.class,
        () -> new CollectPreferencesActivitiesImpl(services).collect(new CollectInput(ctx, policy, null)));
    assertTrue(f.isNonRetryable(), f.toString());
    assertEquals(StageFailures.VALIDATION, f.getType());
    for (String part : parts) {
      assertTrue(f.getOriginalMessage().contains(part), f.getOriginalMessage() + " should name " + part);
    }
  }
}
