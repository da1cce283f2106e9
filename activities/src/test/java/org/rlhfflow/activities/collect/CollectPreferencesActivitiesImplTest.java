package org.rlhfflow.activities.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.DigitsTask;
import org.rlhfflow.tasks.SimulatedAnnotator;

class CollectPreferencesActivitiesImplTest {
  private static final int PROMPTS = 6;
  private static final int K = 3;
  private static final String SIMULATED = "name: collect-test\nseed: 11\n"
      + "model:\n  preset: nano\n"
      + "preferences:\n  max_new_tokens: 8\n  prompts: " + PROMPTS + "\n  responses_per_prompt: " + K
      + "\n  annotator_temperature: 0\n";

  @TempDir Path tmp;

  @Test
  void simulatedGivesAllPairsRankedByTheOracleAndIsCachedAndDeterministic() throws IOException {
    StageServices services = StageFixtures.services(tmp.resolve("one"));
    ArtifactRef policy = StageFixtures.digitPolicy(services, tmp, 3);
    CollectPreferencesActivitiesImpl impl = new CollectPreferencesActivitiesImpl(services);
    StageResult r = impl.collect(new CollectInput(StageFixtures.context(SIMULATED), policy, null)).run();

    assertFalse(r.reused());
    List<PreferencePair> pairs = read(services, r.output("preferences"));
    double ties = r.metrics().get("collect/skipped_ties");
    assertEquals(PROMPTS * K * (K - 1) / 2 - ties, pairs.size());
    assertEquals(pairs.size(), r.metrics().get("collect/pairs"));
    assertEquals(PROMPTS, r.metrics().get("collect/prompts"));
    double mean = r.metrics().get("collect/mean_oracle_score");
    assertTrue(mean >= 0 && mean <= 1, "mean oracle score " + mean);
    DigitsTask task = new DigitsTask();
    int strict = 0;
    for (PreferencePair p : pairs) {
      double chosen = task.oracleScore(p.prompt(), p.chosen());
      double rejected = task.oracleScore(p.prompt(), p.rejected());
      assertTrue(chosen >= rejected, p.toString());
      assertEquals(chosen - rejected, p.margin());
      assertTrue(p.chosen().matches("[0-9]{8}"), p.chosen()); // the digit policy at work
      assertEquals("simulated", p.source());
      assertNotEquals(p.chosen(), p.rejected());
      // The sampled ids travel with the text: they decode to it, and end in EOS only if emitted.
      var tok = new org.rlhfflow.model.tokenizer.ByteTokenizer();
      for (int[] ids : new int[][] {p.chosenIds(), p.rejectedIds()}) {
        assertTrue(ids != null && ids.length > 0, p.toString());
        assertTrue(java.util.Arrays.stream(ids).noneMatch(t -> t == tok.bosId() || t == tok.padId()), p.toString());
      }
      assertEquals(p.chosen(), tok.decode(p.chosenIds()));
      assertEquals(p.rejected(), tok.decode(p.rejectedIds()));
      strict += chosen > rejected ? 1 : 0;
    }
    assertTrue(strict > 0, "some pairs must differ in oracle score, or the ranking check is empty");

    StageResult again = impl.collect(new CollectInput(StageFixtures.context(SIMULATED), policy, null)).run();
    assertTrue(again.reused());
    assertEquals(r.output("preferences"), again.output("preferences"));

    StageServices fresh = StageFixtures.services(tmp.resolve("two"));
    ArtifactRef samePolicy = StageFixtures.digitPolicy(fresh, tmp.resolve("two"), 3);
    StageResult rerun = new CollectPreferencesActivitiesImpl(fresh)
        .collect(new CollectInput(StageFixtures.context(SIMULATED), samePolicy, null)).run();
    assertFalse(rerun.reused());
    assertEquals(r.output("preferences").sha256(), rerun.output("preferences").sha256());
  }

  @Test
  void labelKeepsDistinctPairsBestFirstWithOracleMargins() {
    var spec = SpecLoader.parse(SIMULATED, "test.yaml");
    SimulatedCollection c = new SimulatedCollection(spec, new DigitsTask());
    // "12=" counts on from 2: "34567890" is perfect (8/8); "33456789" stutters once (7/8).
    List<PreferencePair> pairs = c.label("12=", List.of("33456789", "34567890", "34567890"));
    assertEquals(2, pairs.size()); // the two identical responses are a tie and are dropped
    for (PreferencePair p : pairs) {
      assertEquals("34567890", p.chosen());
      assertEquals("33456789", p.rejected());
      assertEquals(0.125, p.margin(), 1e-12);
      assertEquals(new SimulatedAnnotator(new DigitsTask(), 0).id(), p.annotator());
    }
  }

  @Test
  void datasetSourceReadsJsonl() throws IOException {
    Path file = tmp.resolve("prefs.jsonl");
    Files.writeString(file, String.join("\n",
        "{\"prompt\": \"2+2=\", \"chosen\": \"4\", \"rejected\": \"5\"}",
        "{\"prompt\": \"Sky?\", \"chosen\": \" blue\", \"rejected\": \" green\"}",
        "{\"prompt\": \"Sky?\", \"chosen\": \" blue\", \"rejected\": \" grey\"}") + "\n");
    StageServices services = StageFixtures.services(tmp);
    StageResult r = new CollectPreferencesActivitiesImpl(services)
        .collect(new CollectInput(StageFixtures.context(datasetYaml(file, "trl")), null, null)).run();
    List<PreferencePair> pairs = read(services, r.output("preferences"));
    assertEquals(List.of(" green", " grey"),
        pairs.stream().filter(p -> p.prompt().equals("Sky?")).map(PreferencePair::rejected).toList());
    assertEquals(3.0, r.metrics().get("collect/pairs"));
    assertEquals(2.0, r.metrics().get("collect/prompts"));
    assertEquals(0.0, r.metrics().get("collect/skipped_ties"));
  }

  @Test
  void datasetSourceDropsTiesFromArrow() throws IOException {
    Path file = tmp.resolve("prefs.arrow");
    ArrowDatasets.writePreferences(file, List.of(
        PreferencePair.of("p", "a", "b"), PreferencePair.of("p", "a", "a")));
    StageServices services = StageFixtures.services(tmp);
    StageResult r = new CollectPreferencesActivitiesImpl(services)
        .collect(new CollectInput(StageFixtures.context(datasetYaml(file, "arrow")), null, null)).run();
    assertEquals(List.of(PreferencePair.of("p", "a", "b")), read(services, r.output("preferences")));
    assertEquals(1.0, r.metrics().get("collect/skipped_ties"));
  }

  @Test
  void badInputFailsNamingTheField() throws IOException {
    StageServices services = StageFixtures.services(tmp);
    CollectPreferencesActivitiesImpl impl = new CollectPreferencesActivitiesImpl(services);
    Path missing = tmp.resolve("nope.jsonl");
    assertValidation(impl, datasetYaml(missing, "trl"), "data.preference_dataset", "nope.jsonl");
    Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "");
    assertValidation(impl, datasetYaml(empty, "trl"), "data.preference_dataset", "empty.jsonl");
    assertValidation(impl, "name: h\npreferences:\n  source: human\n",
        "preferences.source: human is collected by the pipeline's HumanFeedback workflows");
    assertValidation(impl, "name: s\n", "preferences.source: simulated needs a policy");
  }

  private static void assertValidation(CollectPreferencesActivitiesImpl impl, String yaml, String... parts) {
    StageContext ctx = StageFixtures.context(yaml);
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> impl.collect(new CollectInput(ctx, null, null)));
    assertTrue(f.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, f.getType());
    for (String part : parts) {
      assertTrue(f.getOriginalMessage().contains(part), f.getOriginalMessage() + " should name " + part);
    }
  }

  private static String datasetYaml(Path file, String format) {
    return "name: dataset-test\npreferences:\n  source: dataset\n  dataset_format: " + format + "\n"
        + "data:\n  preference_dataset: " + file.toAbsolutePath() + "\n";
  }

  private static List<PreferencePair> read(StageServices services, ArtifactRef ref) throws IOException {
    Path file = services.store().get(ref, services.scratch().resolve("read-" + ref.sha256() + ".arrow"));
    return ArrowDatasets.readPreferences(file);
  }
}
