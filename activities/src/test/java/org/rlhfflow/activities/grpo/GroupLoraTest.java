package org.rlhfflow.activities.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.StageFixtures;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.store.ArtifactRef;

/** GRPO with {@code model.lora}: adapters on the stored SFT model, the reference is them switched off. */
class GroupLoraTest {
  static final String YAML = GroupPolicyActivitiesImplTest.GRPO.replace("  block_size: 32\n",
      "  block_size: 32\n  lora:\n    rank: 4\n    alpha: 8\n    targets: [c_attn, c_fc]\n");

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private static StageResult grpo(StageServices s, ArtifactRef sft, Optional<Progress> resume,
      List<Progress> checkpoints, String... forced) {
    return new GroupPolicyRunner(s).execute(GroupStages.GRPO_DEF,
        new GroupPolicyInput(StageFixture.context(YAML, forced), sft, null), run -> resume, checkpoints::add);
  }

  @Test
  void trainsAdaptersAgainstTheBaseAndResumesBitIdentical() throws IOException {
    StageFixture.Recording tracker = new StageFixture.Recording(tmp);
    StageServices s = StageFixture.services(tmp, tracker);
    ArtifactRef sft = StageFixtures.digitPolicy(s, tmp, 3);
    List<Progress> checkpoints = new ArrayList<>();
    StageResult full = grpo(s, sft, Optional.empty(), checkpoints);
    // B starts at zero, so before the first update the policy is its reference exactly: KL 0.
    assertEquals(0.0, tracker.points("grpo/kl").get(0).value());
    assertTrue(tracker.points("grpo/kl").stream().allMatch(p -> Double.isFinite(p.value())));
    Path out = s.store().getDirectory(full.output("checkpoint"), tmp.resolve("out"));
    assertEquals(sft.sha256(), LoraCheckpoint.read(out).orElseThrow().base().sha256());
    assertTrue(LoraCheckpoint.read(s.store().getDirectory(full.output("merged"), tmp.resolve("merged"))).isEmpty());

    Progress heartbeat = new Progress(3, checkpoints.get(0).checkpoint());
    StageResult resumed = grpo(s, sft, Optional.of(heartbeat), new ArrayList<>(), GroupStages.GRPO);
    assertEquals(full.output("checkpoint").sha256(), resumed.output("checkpoint").sha256());
    assertEquals(full.output("merged").sha256(), resumed.output("merged").sha256());
  }
}
