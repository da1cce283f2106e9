package org.rlhfflow.activities.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.ppo.PpoSpec;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.store.ArtifactRef;

/**
 * The PPO loop (Ouyang et al. 2022, step 3): for each iteration, roll out, update, adapt the KL
 * coefficient, log TRL-named metrics, heartbeat, and checkpoint every {@code checkpoint_every}
 * iterations. Everything random derives from (seed, iteration), and the checkpoint holds all other
 * state, so a resumed run ends with bit-identical weights.
 */
final class PpoTrainer {
  private final StageRun run;
  private final PpoModels models;
  private final PromptSource prompts;
  private final PpoSpec ppo;
  private final long seed;
  private final Consumer<Progress> onCheckpoint;
  private PpoCurve curve = new PpoCurve();
  private Map<String, Double> last = Map.of();

  PpoTrainer(StageRun run, PpoModels models, PromptSource prompts, Consumer<Progress> onCheckpoint) {
    this.run = run;
    this.models = models;
    this.prompts = prompts;
    this.ppo = run.spec().ppo();
    this.seed = run.spec().seed();
    this.onCheckpoint = onCheckpoint;
  }

  /** Trains from the resume point (or from scratch) to {@code ppo.iterations}. */
  void train(Optional<Progress> resume) throws IOException {
    long start = restore(resume);
    RolloutCollector collector = new RolloutCollector(models, ppo);
    PpoUpdater updater = new PpoUpdater(models, ppo, seed);
    for (long i = start; i < ppo.iterations(); i++) {
      long t0 = System.nanoTime();
      Rollout rollout = collector.collect(prompts.batch(seed, i, ppo.rolloutBatchSize()),
          Seeds.derive(seed, "ppo", "gen", i), prompts.oracle());
      long t1 = System.nanoTime();
      PpoUpdater.Stats u = updater.update(rollout, i);
      double klCoefUsed = models.kl.value();
      models.kl.update(rollout.stats().kl(), ppo.rolloutBatchSize());
      curve.add(i, rollout.stats().rmScore(), rollout.stats().oracleScore(), rollout.stats().kl());
      last = metrics(rollout.stats(), u, klCoefUsed);
      log(i, last, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
      run.metric("timing/generate_s", collector.lastGenerateS(), i);
      run.metric("timing/score_s", collector.lastScoreS(), i);
      checkHealth(i);
      long done = i + 1;
      if (done % ppo.checkpointEvery() == 0 && done < ppo.iterations()) {
        ArtifactRef ref = run.checkpoint(done, this::writeCheckpoint);
        onCheckpoint.accept(new Progress(done, ref));
      }
      run.heartbeat(done, ppo.iterations(), this::writeCheckpoint);
    }
  }

  /** The iteration to start at; restores the models and history when resuming. */
  private long restore(Optional<Progress> resume) throws IOException {
    if (resume.isEmpty() || resume.get().checkpoint() == null) {
      return 0;
    }
    Path dir = Models.fetch(run, resume.get().checkpoint(), "resume");
    JsonNode state = models.restore(dir);
    curve = PpoCurve.fromJson(state.path("curve"));
    // The heartbeat's step may be past the checkpoint's: iterations after it are redone.
    long iteration = state.path("iteration").asLong(-1);
    if (iteration < 0 || curve.size() != iteration) {
      throw new StageFailures.ValidationException("resume checkpoint " + resume.get().checkpoint().sha256()
          + " has iteration " + iteration + " but a curve of " + curve.size() + " points");
    }
    return iteration;
  }

  private Map<String, Double> metrics(Rollout.Stats s, PpoUpdater.Stats u, double klCoef) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("ppo/objective/kl", s.kl());
    m.put("ppo/objective/scores", s.rmScore());
    m.put("ppo/objective/entropy", s.entropy());
    m.put("ppo/policy/clipfrac", u.clipfrac());
    m.put("ppo/policy/approxkl", u.approxKl());
    m.put("ppo/policy/first_ratio", u.firstRatio());
    m.put("ppo/policy/first_clipfrac", u.firstClipfrac());
    m.put("ppo/loss/policy", u.policyLoss());
    m.put("ppo/val/ratio", u.ratio());
    m.put("ppo/val/vf_loss", u.vfLoss());
    m.put("ppo/kl_coef", klCoef);
    m.put("ppo/rm_score", s.rmScore());
    m.put("ppo/response_length", s.responseLength());
    if (!Double.isNaN(s.oracleScore())) {
      m.put("ppo/oracle_score", s.oracleScore());
    }
    return m;
  }

  private void log(long i, Map<String, Double> m, double rolloutS, double updateS) {
    m.forEach((k, v) -> run.metric(k, v, i));
    run.metric("timing/rollout_s", rolloutS, i);
    run.metric("timing/update_s", updateS, i);
  }

  private void checkHealth(long i) {
    run.checkFinite(i, last);
    double kl = last.get("ppo/objective/kl");
    if (ppo.maxKl() > 0 && kl > ppo.maxKl()) {
      throw new StageFailures.TrainingDivergedException("exploding KL at iteration " + i + ": mean KL "
          + kl + " nats > ppo.max_kl " + ppo.maxKl() + "; metrics " + last);
    }
  }

  /** The full training state at {@code iteration} completed iterations. */
  Path writeCheckpoint(long iteration) throws IOException {
    Path dir = run.workDir("ckpt-" + iteration);
    return models.save(dir, CheckpointSpecs.of(run.context()), state(iteration));
  }

  ObjectNode state(long iteration) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("iteration", iteration);
    s.put("kl_coef", models.kl.value());
    s.set("curve", curve.toJson());
    return s;
  }

  PpoCurve curve() {
    return curve;
  }

  Map<String, Double> lastMetrics() {
    return last;
  }
}
