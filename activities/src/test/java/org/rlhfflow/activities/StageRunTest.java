package org.rlhfflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.tracking.LocalTracker;

class StageRunTest {
  @TempDir Path tmp;

  private static ExperimentSpec spec(String extra) {
    return SpecLoader.parse("name: t\n" + extra, "t.yaml");
  }

  private StageContext ctx(ExperimentSpec spec, List<String> force) {
    return new StageContext(spec.name(), "wf-1", null, spec.canonicalJson(), spec.sha256(), force);
  }

  private StageServices services() throws java.io.IOException {
    return new StageServices(new LocalArtifactStore(tmp.resolve("a")), new LocalTracker(tmp.resolve("m")),
        tmp.resolve("s"));
  }

  @Test
  void canonicalJsonParsesBackToTheSameSpec() {
    ExperimentSpec s = spec("seed: 3\nppo:\n  missing_eos_penalty: 1.0\n");
    assertEquals(s, SpecLoader.parse(s.canonicalJson(), "resolved"));
  }

  @Test
  void cacheKeyDependsOnTheStagesOwnSectionsInputsAndSeedOnly() {
    TreeMap<String, String> in = new TreeMap<>(Map.of("base", "ab"));
    String sft = StageRun.cacheKey(SftStage.DEF, spec(""), in);
    // a PPO change must not invalidate a completed SFT: that is what makes `rlhf resume` cheap.
    assertEquals(sft, StageRun.cacheKey(SftStage.DEF, spec("ppo:\n  learning_rate: 0.1\n"), in));
    assertEquals(sft, StageRun.cacheKey(SftStage.DEF, spec("resources:\n  stages:\n    sft:\n      task_queue: rlhf-gpu\n"), in));
    assertNotEquals(sft, StageRun.cacheKey(SftStage.DEF, spec("sft:\n  epochs: 2\n"), in));
    assertNotEquals(sft, StageRun.cacheKey(SftStage.DEF, spec("seed: 1\n"), in));
    assertNotEquals(sft, StageRun.cacheKey(SftStage.DEF, spec(""), new TreeMap<>(Map.of("base", "cd"))));
    assertNotEquals(sft, StageRun.cacheKey(PpoStage.DEF, spec(""), in));
  }

  @Test
  void aKeyTheStageDoesNotReadKeepsItsCacheHitAndAKeyItReadsMisses() throws Exception {
    StageServices services = services();
    AtomicInteger runs = new AtomicInteger();
    Path file = Files.writeString(tmp.resolve("report.json"), "{}");
    StageRun.Body body = run -> {
      runs.incrementAndGet();
      return run.complete(Map.of("report", run.services().store().put(file)), Map.of());
    };
    Map<String, String> in = Map.of("ppo_model", "ab");
    ExperimentSpec base = spec("");
    assertFalse(StageRun.execute(services, ctx(base, List.of()), EvaluateStage.DEF, in, body).reused());
    // evaluate reads preferences.source but not preferences.prompts, nor anything of ppo
    for (String unread : List.of("preferences:\n  prompts: 7\n", "ppo:\n  kl_coef: 0.3\n", "until: evaluate\n")) {
      assertTrue(StageRun.execute(services, ctx(spec(unread), List.of()), EvaluateStage.DEF, in, body).reused(), unread);
    }
    assertEquals(1, runs.get());
    List<String> reads = List.of("preferences:\n  source: dataset\ndata:\n  preference_dataset: p.arrow\n",
        "evaluation:\n  prompts: 9\n", "task:\n  demo_noise: 0.5\n");
    for (int i = 0; i < reads.size(); i++) {
      ExperimentSpec changed = spec(reads.get(i));
      // another experiment, so the local tracker opens a fresh run for the recomputed stage
      StageContext other = new StageContext("t" + i, "wf-1", null, changed.canonicalJson(), changed.sha256(), List.of());
      assertFalse(StageRun.execute(services, other, EvaluateStage.DEF, in, body).reused(), reads.get(i));
    }
    assertEquals(4, runs.get());
  }

  @Test
  void aDeclaredFileIsInTheKeyByContent() throws Exception {
    Path prompts = Files.writeString(tmp.resolve("prompts.jsonl"), "{\"prompt\": \"1=\"}\n");
    ExperimentSpec s = spec("data:\n  prompt_dataset: " + prompts + "\n");
    String before = StageRun.cacheKey(PpoStage.DEF, s, Map.of());
    Files.writeString(prompts, "{\"prompt\": \"2=\"}\n");
    assertNotEquals(before, StageRun.cacheKey(PpoStage.DEF, s, Map.of()));
    // SFT does not read the prompt file: neither its path nor its content is in SFT's key
    assertEquals(StageRun.cacheKey(SftStage.DEF, spec(""), Map.of()), StageRun.cacheKey(SftStage.DEF, s, Map.of()));
  }

  @Test
  void aCompletedStageIsReusedUnlessForced() throws Exception {
    StageServices services = services();
    ExperimentSpec s = spec("");
    AtomicInteger runs = new AtomicInteger();
    Path file = Files.writeString(tmp.resolve("out.txt"), "weights");
    StageRun.Body body = run -> {
      runs.incrementAndGet();
      ArtifactRef ref = run.services().store().put(file);
      run.metric("sft/loss", 0.25, 1);
      return run.complete(Map.of("checkpoint", ref), Map.of("sft/final_loss", 0.25));
    };
    StageResult first = StageRun.execute(services, ctx(s, List.of()), SftStage.DEF, Map.of("base", "ab"), body);
    StageResult second = StageRun.execute(services, ctx(s, List.of()), SftStage.DEF, Map.of("base", "ab"), body);
    assertFalse(first.reused());
    assertTrue(second.reused());
    assertEquals(1, runs.get());
    assertEquals(first.outputs(), second.outputs());
    assertEquals(first.metrics(), second.metrics());
    StageResult forced = StageRun.execute(services, ctx(s, List.of("all")), SftStage.DEF, Map.of("base", "ab"), body);
    assertFalse(forced.reused());
    assertEquals(2, runs.get());
  }

  @Test
  void badInputAndDivergenceAreNotRetried() throws Exception {
    StageServices services = services();
    ExperimentSpec s = spec("");
    ApplicationFailure bad = assertThrows(ApplicationFailure.class, () -> StageRun.execute(services,
        ctx(s, List.of()), SftStage.DEF, Map.of(), run -> {
          throw new StageFailures.ValidationException("data.sft_dataset: /x.arrow does not exist");
        }));
    assertTrue(bad.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, bad.getType());
    assertTrue(bad.getOriginalMessage().contains("data.sft_dataset"));

    ApplicationFailure nan = assertThrows(ApplicationFailure.class, () -> StageRun.execute(services,
        ctx(s, List.of()), PpoStage.DEF, Map.of(), run -> {
          run.checkFinite(7, Map.of("ppo/loss", Double.NaN));
          return null;
        }));
    assertTrue(nan.isNonRetryable());
    assertEquals(StageFailures.DIVERGED, nan.getType());
    assertTrue(nan.getOriginalMessage().contains("step 7"), nan.getOriginalMessage());

    // an infrastructure error is left for Temporal to retry
    RuntimeException io = assertThrows(RuntimeException.class, () -> StageRun.execute(services,
        ctx(s, List.of()), RewardModelStage.DEF, Map.of(), run -> {
          throw new java.io.IOException("connection refused");
        }));
    assertFalse(io instanceof ApplicationFailure af && af.isNonRetryable());
  }
}
