package org.rlhfflow.activities.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.spec.ExperimentSpec;

class PpoActivitiesImplTest {
  @TempDir Path tmp;

  @Test
  void runsProducesLoadableOutputsAndIsCached() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec(PpoFixture.BASE_YAML);
    PpoInput in = f.input(spec, List.of(), 20);
    PpoActivitiesImpl impl = new PpoActivitiesImpl(f.services);
    StageResult r = impl.ppo(in).run();

    assertFalse(r.reused());
    r.metrics().forEach((k, v) -> assertTrue(Double.isFinite(v), k + "=" + v));
    for (String k : List.of("ppo/final_rm_score", "ppo/final_kl", "ppo/final_oracle_score")) {
      assertTrue(r.metrics().containsKey(k), k);
    }
    Map<String, List<Double>> m = f.tracker.metrics;
    for (String k : List.of("ppo/objective/kl", "ppo/objective/scores", "ppo/objective/entropy",
        "ppo/policy/clipfrac", "ppo/policy/approxkl", "ppo/val/ratio", "ppo/val/vf_loss", "ppo/kl_coef",
        "ppo/rm_score", "ppo/oracle_score", "ppo/response_length")) {
      assertEquals(3, m.get(k).size(), k);
      m.get(k).forEach(v -> assertTrue(Double.isFinite(v), k + "=" + v));
    }
    // Before the first update the policy is the rollout policy: ratio 1, nothing clipped.
    for (int i = 0; i < 3; i++) {
      assertEquals(1.0, m.get("ppo/policy/first_ratio").get(i), 1e-5, "iteration " + i);
      assertEquals(0.0, m.get("ppo/policy/first_clipfrac").get(i), "iteration " + i);
    }
    // Policy == reference at iteration 0, so every per-token k1 estimate is exactly 0.
    assertEquals(0.0, m.get("ppo/objective/kl").get(0));

    Path dir = f.services.store().getDirectory(r.output("checkpoint"), tmp.resolve("out/policy"));
    try (LanguageModel policy = LanguageModel.load(dir)) {
      assertEquals(3, policy.checkpointMeta().trainingState().path("iteration").asInt());
    }
    Path critic = f.services.store().getDirectory(r.output("critic"), tmp.resolve("out/critic"));
    try (ScalarHeadModel c = ScalarHeadModel.load(critic)) {
      assertEquals(ScalarHeadModel.Kind.VALUE, c.kind());
    }
    Path curveFile = f.services.store().get(r.output("curve"), tmp.resolve("out/curve.json"));
    JsonNode curve = new ObjectMapper().readTree(Files.readString(curveFile));
    for (String k : List.of("iteration", "rm_score", "oracle_score", "kl")) {
      assertEquals(3, curve.path(k).size(), k);
    }
    assertEquals(m.get("ppo/rm_score").get(2), curve.path("rm_score").get(2).asDouble());

    StageResult again = impl.ppo(in).run();
    assertTrue(again.reused());
    assertEquals(r.outputs(), again.outputs());
  }

  @Test
  void sameSeedSameWeightsAndResumeIsBitExact() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec(PpoFixture.BASE_YAML);
    PpoInput in = f.input(spec, List.of("ppo"), 20);
    PpoActivitiesImpl impl = new PpoActivitiesImpl(f.services);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult first = impl.execute(in, run -> Optional.empty(), checkpoints::add).run();
    StageResult second = impl.execute(in, run -> Optional.empty(), p -> {}).run();
    assertEquals(first.output("checkpoint"), second.output("checkpoint"));
    assertEquals(first.output("critic"), second.output("critic"));
    assertEquals(first.output("curve"), second.output("curve"));

    assertEquals(List.of(1L, 2L), checkpoints.stream().map(Progress::step).toList());
    Progress mid = checkpoints.get(0);
    int logged = f.tracker.metrics.get("ppo/rm_score").size();
    StageResult resumed = impl.execute(in, run -> Optional.of(mid), p -> {}).run();
    assertEquals(logged + 2, f.tracker.metrics.get("ppo/rm_score").size(), "resumed at iteration 1 of 3");
    assertEquals(first.output("checkpoint"), resumed.output("checkpoint"));
    assertEquals(first.output("critic"), resumed.output("critic"));
    assertEquals(first.output("curve"), resumed.output("curve"));

    ExperimentSpec otherSeed = PpoFixture.spec(PpoFixture.BASE_YAML.replace("seed: 11", "seed: 12"));
    StageResult other = impl.execute(new PpoInput(PpoFixture.context(otherSeed, List.of("ppo")),
        in.sftModel(), in.rewardModel()), run -> Optional.empty(), p -> {}).run();
    assertNotEquals(first.output("checkpoint"), other.output("checkpoint"));
  }

  @Test
  void sharedCriticTrunkResumesBitExactly() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    ExperimentSpec spec = PpoFixture.spec(PpoFixture.BASE_YAML.replace("  preset: nano",
        "  preset: nano\n  share_critic_trunk: true"));
    PpoInput in = f.input(spec, List.of("ppo"), 20);
    PpoActivitiesImpl impl = new PpoActivitiesImpl(f.services);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult first = impl.execute(in, run -> Optional.empty(), checkpoints::add).run();
    StageResult resumed = impl.execute(in, run -> Optional.of(checkpoints.get(1)), p -> {}).run();
    assertEquals(first.output("checkpoint"), resumed.output("checkpoint"));
    assertEquals(first.output("critic"), resumed.output("critic"));
  }

  @Test
  void promptTooLongForTheContextIsAValidationError() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.writeString(prompts, "{\"prompt\": \"12=\"}\n{\"prompt\": \"" + "9".repeat(60) + "=\"}\n");
    ExperimentSpec spec = PpoFixture.spec(PpoFixture.BASE_YAML + "data:\n  prompt_dataset: " + prompts + "\n");
    PpoInput in = f.input(spec, List.of(), 20);
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> new PpoActivitiesImpl(f.services).ppo(in));
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("prompt 1 (62 tokens with BOS, data.prompt_dataset)"),
        e.getOriginalMessage());
  }

  @Test
  void explodingKlFailsNonRetryably() throws Exception {
    PpoFixture f = new PpoFixture(tmp);
    // k3 is >= 0 per token, so any move away from the reference shows up as positive KL.
    ExperimentSpec spec = PpoFixture.spec(PpoFixture.BASE_YAML
        + "  kl_estimator: k3\n  learning_rate: 0.01\n  max_kl: 0.000001\n");
    PpoInput in = f.input(spec, List.of(), 20);
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> new PpoActivitiesImpl(f.services).ppo(in));
    assertEquals(StageFailures.DIVERGED, e.getType());
    assertTrue(e.isNonRetryable());
    assertTrue(e.getOriginalMessage().contains("exploding KL at iteration 1"), e.getOriginalMessage());
  }
}
