package org.rlhfflow.activities.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.loss.Masked;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.GradClip;
import org.rlhfflow.model.optim.LrSchedule;

/**
 * The supervised training loop shared by SFT and the reward model: one sub-manager per step,
 * backward, global-norm clipping, AdamW with a warmup+cosine schedule, metrics, heartbeats and
 * checkpoints every {@code checkpointEvery} steps. Everything a step depends on is a function of
 * (seed, step) or is in the checkpoint (weights, AdamW moments, the epoch's running loss), so a run
 * resumed from step k ends bit-identical to one that never stopped.
 *
 * <pre>{@code
 * double finalLoss = new TrainingLoop(run, config, params, adamw, batches, manager, saver, hooks)
 *     .run(startStep, resumedState, (rows, m) -> new StepLoss(loss(rows, m), Map.of()));
 * }</pre>
 */
public final class TrainingLoop {
  /** The loss of one step on the example indices {@code rows}; arrays go on {@code step}. */
  @FunctionalInterface
  public interface LossFn {
    StepLoss compute(int[] rows, NDManager step);
  }

  /** A differentiable scalar loss plus step metrics already read out (e.g. {@code rm/accuracy}). */
  public record StepLoss(NDArray loss, Map<String, Double> metrics) {}

  /** Writes model weights, {@code optimizerState} and the loop's {@code state} into {@code dir}. */
  @FunctionalInterface
  public interface StateSaver {
    void save(Path dir, long step, JsonNode state, Map<String, NDArray> optimizerState) throws IOException;
  }

  /**
   * @param metricPrefix {@code sft} or {@code rm}: metrics are {@code <prefix>/loss} etc.
   * @param maxGradNorm clip threshold; 0 disables clipping (the norm is still logged)
   */
  public record Config(String metricPrefix, long totalSteps, int checkpointEvery, double maxGradNorm,
      LrSchedule schedule) {}

  private final StageRun run;
  private final Config config;
  private final ParameterList params;
  private final AdamW adamw;
  private final EpochBatches batches;
  private final NDManager parent;
  private final StateSaver saver;
  private final Hooks hooks;
  private double epochLossSum;
  private long epochLossCount;

  public TrainingLoop(StageRun run, Config config, ParameterList params, AdamW adamw, EpochBatches batches,
      NDManager parent, StateSaver saver, Hooks hooks) {
    this.run = run;
    this.config = config;
    this.params = params;
    this.adamw = adamw;
    this.batches = batches;
    this.parent = parent;
    this.saver = saver;
    this.hooks = hooks;
  }

  /**
   * Trains from {@code startStep} (0, or the step of the checkpoint the model and optimizer were
   * restored from) to the end.
   *
   * @param resumedState the loop state stored in that checkpoint, or null on a fresh start
   * @return the mean loss over the last epoch
   */
  public double run(long startStep, JsonNode resumedState, LossFn lossFn) throws IOException {
    if (resumedState != null) {
      epochLossSum = resumedState.path("epoch_loss_sum").asDouble();
      epochLossCount = resumedState.path("epoch_loss_count").asLong();
    }
    for (long s = startStep; s < config.totalSteps(); s++) {
      if (s % batches.stepsPerEpoch() == 0) {
        epochLossSum = 0;
        epochLossCount = 0;
      }
      step(s, lossFn);
      long done = s + 1;
      run.heartbeat(done, config.totalSteps(), this::writeCheckpoint);
      if (done % config.checkpointEvery() == 0 && done < config.totalSteps()) {
        hooks.onCheckpoint().accept(new Progress(done, run.checkpoint(done, this::writeCheckpoint)));
      }
    }
    return epochLossSum / Math.max(1, epochLossCount);
  }

  private void step(long s, LossFn lossFn) {
    try (NDManager m = parent.newSubManager()) {
      Map<String, Double> metrics = new LinkedHashMap<>();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        StepLoss out = lossFn.compute(batches.indices(s), m);
        gc.backward(out.loss());
        metrics.put(config.metricPrefix() + "/loss", Masked.scalar(out.loss()));
        metrics.putAll(out.metrics());
      }
      double lr = config.schedule().at(s);
      try (NoGrad ng = NoGrad.enter()) {
        double clip = config.maxGradNorm() > 0 ? config.maxGradNorm() : Double.MAX_VALUE;
        metrics.put(config.metricPrefix() + "/grad_norm", GradClip.clipByGlobalNorm(params, clip));
        metrics.put(config.metricPrefix() + "/lr", lr);
        run.checkFinite(s + 1, metrics); // before the update: a NaN never reaches the weights
        adamw.step(lr);
        adamw.zeroGrad();
      }
      metrics.forEach((k, v) -> run.metric(k, v, s + 1));
      epochLossSum += metrics.get(config.metricPrefix() + "/loss");
      epochLossCount++;
    }
  }

  private Path writeCheckpoint(long step) throws IOException {
    Path dir = run.workDir("checkpoint-" + step);
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("step", step);
    state.put("epoch_loss_sum", epochLossSum);
    state.put("epoch_loss_count", epochLossCount);
    try (NDManager m = parent.newSubManager()) {
      saver.save(dir, step, state, adamw.exportState(m));
    }
    return dir;
  }
}
