package org.rlhfflow.activities.ppo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.Stage;
import org.rlhfflow.activities.StageActivities;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageInputs.PpoInput;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;

/**
 * The PPO stage: optimises the SFT policy against the reward model with a KL penalty to the SFT
 * model (Ouyang et al. 2022, step 3). Outputs {@code checkpoint} (the policy), {@code critic} and
 * {@code curve} (reward and KL per iteration, for the over-optimisation plot).
 */
public final class PpoActivitiesImpl implements StageActivities.PpoActivities {
  private final StageServices services;

  public PpoActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public StageResult ppo(PpoInput input) {
    return execute(input, StageRun::resumePoint, p -> {});
  }

  /**
   * The stage with its resume point and checkpoint events injectable, so tests can resume from a
   * checkpoint without a Temporal activity context.
   */
  StageResult execute(PpoInput input, Function<StageRun, Optional<Progress>> resume,
      Consumer<Progress> onCheckpoint) {
    if (input.sftModel() == null || input.rewardModel() == null) {
      throw new StageFailures.ValidationException("ppo needs sftModel and rewardModel, got " + input);
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("sft_model", input.sftModel().sha256());
    inputs.put("reward_model", input.rewardModel().sha256());
    return StageRun.execute(services, input.ctx(), Stage.PPO, withPromptDigest(inputs, input), run -> {
      PromptSource prompts = PromptSource.of(run.spec());
      Path sft = Models.fetch(run, input.sftModel(), "sft");
      Path rm = Models.fetch(run, input.rewardModel(), "reward_model");
      try (PpoModels models = PpoModels.open(sft, rm, run.spec())) {
        prompts.checkFits(models.policy.tokenizer(), models.policy.config().blockSize(),
            run.spec().ppo().maxNewTokens());
        PpoTrainer trainer = new PpoTrainer(run, models, prompts, onCheckpoint);
        trainer.train(resume.apply(run));
        return finish(run, trainer, models);
      }
    });
  }

  /** The prompt dataset is not in the ppo spec section, so its content joins the cache key here. */
  private static Map<String, String> withPromptDigest(Map<String, String> inputs, PpoInput input) {
    try {
      String file = SpecLoader.parse(input.ctx().specJson(), "resolved spec").data().promptDataset();
      if (file != null && Files.isRegularFile(Path.of(file))) {
        inputs.put("prompt_dataset", Sha256.of(Path.of(file)).hex());
      }
    } catch (IOException | RuntimeException e) {
      // StageRun and PromptSource.of report a bad spec or dataset, naming the file and field.
    }
    return inputs;
  }

  private static StageResult finish(StageRun run, PpoTrainer trainer, PpoModels models) throws IOException {
    long iterations = run.spec().ppo().iterations();
    Path dir = models.save(run.workDir("final"), CheckpointSpecs.of(run.context()), trainer.state(iterations));
    Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
    outputs.put("checkpoint", run.services().store().putDirectory(dir.resolve(PpoModels.POLICY_DIR)));
    outputs.put("critic", run.services().store().putDirectory(dir.resolve(PpoModels.CRITIC_DIR)));
    Path curveFile = trainer.curve().write(run.workDir("curve").resolve("curve.json"));
    outputs.put("curve", run.services().store().put(curveFile));
    run.artifact(curveFile, "ppo");
    Map<String, Double> last = trainer.lastMetrics();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("ppo/final_rm_score", last.get("ppo/rm_score"));
    metrics.put("ppo/final_kl", last.get("ppo/objective/kl"));
    if (last.containsKey("ppo/oracle_score")) {
      metrics.put("ppo/final_oracle_score", last.get("ppo/oracle_score"));
    }
    return run.complete(outputs, metrics);
  }
}
