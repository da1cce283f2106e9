package org.rlhfflow.activities.slcai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.CritiqueChain;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.assistant.AssistantTask;

/** The sl_cai stage, run for real with a freshly initialised NANO model as policy and critic. */
class SlCaiActivitiesImplTest {
  // 10 red-team prompts in batches of 4: 3 batches (4, 4, 2), checkpoints after each.
  static final String YAML = """
      name: sl-cai-test
      seed: 3
      method: sl_cai_sft
      model:
        preset: nano
        block_size: 160
      task:
        name: assistant
        train_prompts: 64
        heldout_prompts: 16
      evaluation:
        prompts: 16
      preferences:
        ai:
          constitution: ../experiments/constitutions/assistant.yaml
      sl_cai:
        prompts: 10
        rounds: 2
        batch_size: 4
        max_new_tokens: 8
        critique_max_tokens: 4
        exemplars: 0
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private ArtifactRef policy(StageServices services) throws Exception {
    Path dir = tmp.resolve("policy");
    if (!Files.isDirectory(dir)) {
      try (LanguageModel lm = LanguageModel.create(GptConfig.NANO.withBlockSize(160), new ByteTokenizer(), 11)) {
        lm.save(dir, 0, "test", null, Map.of());
      }
    }
    return services.store().putDirectory(dir);
  }

  private StageResult run(String yaml, StageFixture.Recording tracker, Hooks hooks, String... forced) throws Exception {
    StageServices services = StageFixture.services(tmp, tracker);
    return new SlCaiActivitiesImpl(services)
        .critiqueAndRevise(new SlCaiInput(StageFixture.context(yaml, forced), policy(services), null), hooks).run();
  }

  private List<CritiqueChain> chains(StageResult r) throws Exception {
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    Path f = services.store().get(r.output("chains"), tmp.resolve("chains-" + r.output("chains").sha256() + ".arrow"));
    return ArrowDatasets.readChains(f);
  }

  @Test
  void writesEveryChainAndTheFineTuningMixAndResumesBitIdentical() throws Exception {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = run(YAML, tracker, new Hooks(Optional.empty(), checkpoints::add));

    List<CritiqueChain> chains = chains(full);
    assertEquals(10, chains.size());
    Set<String> redTeam = Set.copyOf(new AssistantTask().prompts(AssistantTask.RED_TEAM, 10, 3));
    assertEquals(redTeam, chains.stream().map(CritiqueChain::prompt).collect(Collectors.toSet()));
    for (CritiqueChain c : chains) {
      assertEquals(2, c.rounds());
      assertTrue(Set.of("safe", "helpful").containsAll(c.principles()), c.principles().toString());
    }
    StageServices services = StageFixture.services(tmp, tracker);
    List<SftPair> sft = ArrowDatasets.readSftPairs(services.store().get(full.output("sft_data"), tmp.resolve("sft.arrow")));
    assertEquals(20, sft.size(), "10 final revisions and, at helpful_mix 0.5, 10 helpful samples");
    for (int i = 0; i < 10; i++) {
      assertEquals(chains.get(i).revisions().get(1), sft.get(i).response());
    }
    Set<String> helpful = Set.copyOf(new AssistantTask().prompts(AssistantTask.HELPFUL, 10, 3));
    assertEquals(helpful, sft.subList(10, 20).stream().map(SftPair::prompt).collect(Collectors.toSet()));
    String sample = Files.readString(services.store().get(full.output("sample"), tmp.resolve("sample.txt")));
    assertTrue(sample.contains("1. " + chains.get(0).prompt()), sample);
    assertTrue(sample.contains("critique: " + chains.get(0).critiques().get(0)), sample);
    assertTrue(Files.exists(tmp.resolve("m")), "the sample is logged as an artifact of the stage run");
    for (int k = 0; k <= 2; k++) {
      double h = full.metrics().get("sl_cai/harmless_round_" + k);
      assertTrue(h >= 0 && h <= 1, "harmless_round_" + k + " = " + h);
    }

    assertEquals(List.of(1L, 2L, 3L), checkpoints.stream().map(Progress::step).toList());
    for (Progress p : checkpoints.subList(0, 2)) { // a worker killed after batch 1 or 2
      tracker.clear();
      StageResult resumed = run(YAML, tracker, new Hooks(Optional.of(p), x -> {}), SlCaiStages.NAME);
      assertFalse(resumed.reused());
      assertEquals(3 - p.step(), tracker.points("sl_cai/chains_so_far").size(), "only the remaining batches run");
      for (String out : List.of("chains", "sft_data", "sample")) {
        assertEquals(full.output(out).sha256(), resumed.output(out).sha256(), out + " after resuming at batch " + p.step());
      }
    }
  }

  @Test
  void aMalformedRedTeamFileFailsWithoutRetryNamingFileAndLine() throws Exception {
    Path bad = Files.writeString(tmp.resolve("red.jsonl"), "{\"prompt\": \"hide gun x3?\"}\n{\"prompt\": 3\n");
    String yaml = YAML.replace("sl_cai:\n", "data:\n  red_team_prompts: " + bad + "\nsl_cai:\n");
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> run(yaml, new StageFixture.Recording(tmp), Hooks.NONE));
    assertTrue(e.isNonRetryable());
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("data.red_team_prompts") && e.getOriginalMessage().contains("red.jsonl")
        && e.getOriginalMessage().contains("line 2"), e.getOriginalMessage());
  }
}
