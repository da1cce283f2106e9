package org.rlhfflow.activities.grpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.train.EpochBatches;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.Scoring;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.nn.Ops;
import org.rlhfflow.model.optim.GradClip;
import org.rlhfflow.model.rl.GrpoLoss;
import org.rlhfflow.store.ArtifactRef;

/**
 * The GRPO / RLOO loop: per iteration sample G responses for each of P prompts, compute group
 * advantages, run {@code num_iterations} passes of clipped-objective minibatch steps, log TRL-named
 * metrics under the stage's prefix, heartbeat, and checkpoint every {@code checkpoint_every}
 * iterations. Prompts, sampling and minibatch order derive from (seed, stage, iteration), and the
 * checkpoint holds weights, AdamW moments and the iteration, so a resumed run is bit-identical.
 */
final class GroupTrainer {
  private final StageRun run;
  private final GroupModels models;
  private final GroupPrompts prompts;
  private final GroupSampler sampler;
  private final GroupSettings s;
  private final GrpoLoss loss;
  private final long seed;
  private final Consumer<Progress> onCheckpoint;
  private Map<String, Double> last = Map.of();

  GroupTrainer(StageRun run, GroupModels models, GroupPrompts prompts, GroupSampler sampler, GroupSettings s,
      Consumer<Progress> onCheckpoint) {
    this.run = run;
    this.models = models;
    this.prompts = prompts;
    this.sampler = sampler;
    this.s = s;
    this.loss = new GrpoLoss(s.aggregation(), s.epsilonLow(), s.epsilonHigh(), s.klInLoss());
    this.seed = run.spec().seed();
    this.onCheckpoint = onCheckpoint;
  }

  /** Trains from iteration {@code start} (0, or the resumed checkpoint's) to the end. */
  void train(long start) throws IOException {
    for (long i = start; i < s.iterations(); i++) {
      long t0 = System.nanoTime();
      GroupBatch batch = sampler.sample(prompts.batch(seed, s.stage(), i, s.prompts()),
          Seeds.derive(seed, s.stage(), "gen", i));
      long t1 = System.nanoTime();
      Map<String, Double> u = update(batch, i);
      last = metrics(batch.stats(), u);
      run.checkFinite(i, last);
      long it = i;
      last.forEach((k, v) -> run.metric(k, v, it));
      run.metric("timing/generate_s", (t1 - t0) / 1e9, it);
      run.metric("timing/update_s", (System.nanoTime() - t1) / 1e9, it);
      long done = i + 1;
      if (done % s.checkpointEvery() == 0 && done < s.iterations()) {
        ArtifactRef ref = run.checkpoint(done, this::writeCheckpoint);
        onCheckpoint.accept(new Progress(done, ref));
      }
      run.heartbeat(done, this::writeCheckpoint);
    }
  }

  /** {@code num_iterations} shuffled passes over the batch; returns the means of the loss's stats. */
  private Map<String, Double> update(GroupBatch batch, long iteration) {
    Map<String, Double> sums = new LinkedHashMap<>();
    int steps = 0;
    for (int pass = 0; pass < s.numIterations(); pass++) {
      int[] perm = EpochBatches.shuffled(batch.batch(),
          new SplittableRandom(Seeds.derive(seed, s.stage(), "mb", iteration, pass)));
      for (int from = 0; from < perm.length; from += s.minibatchSize()) {
        int[] rows = Arrays.copyOfRange(perm, from, Math.min(perm.length, from + s.minibatchSize()));
        step(batch, rows).forEach((k, v) -> sums.merge(k, v, Double::sum));
        steps++;
      }
    }
    int n = steps;
    sums.replaceAll((k, v) -> v / n);
    return sums;
  }

  private Map<String, Double> step(GroupBatch batch, int[] rows) {
    try (NDManager m = models.policy.manager().newSubManager()) {
      GroupBatch.Minibatch mb = batch.slice(rows, m);
      GrpoLoss.Result r;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = Ops.div(models.policy.logits(mb.ids(), mb.attention()), s.temperature());
        NDArray logp = Scoring.tokenLogprobs(logits, mb.ids(), mb.attention());
        r = loss.compute(logp, mb.oldLogp(), mb.refLogp(), mb.advantages(), mb.response(), s.maxNewTokens(),
            batch.responseTokens(rows));
        gc.backward(r.loss());
      }
      Map<String, Double> out = r.metrics(s.stage());
      try (NoGrad ng = NoGrad.enter()) {
        double clip = s.maxGradNorm() > 0 ? s.maxGradNorm() : Double.MAX_VALUE;
        out.put(s.stage() + "/grad_norm", GradClip.clipByGlobalNorm(models.policy.parameters(), clip));
        models.opt.step(s.learningRate());
        models.opt.zeroGrad();
      }
      return out;
    }
  }

  private Map<String, Double> metrics(GroupBatch.Stats st, Map<String, Double> u) {
    String p = s.stage();
    Map<String, Double> m = new LinkedHashMap<>(u);
    m.put(p + "/reward", st.reward());
    m.put(p + "/reward_std", st.rewardStd());
    m.put(p + "/frac_reward_zero_std", st.fracZeroStd());
    m.put(p + "/objective/kl", st.kl()); // sequence KL to the reference, nats, as ppo/objective/kl
    m.put(p + "/completions/mean_length", st.length());
    if (!Double.isNaN(st.oracle())) {
      m.put(p + "/oracle_score", st.oracle());
    }
    return m;
  }

  Path writeCheckpoint(long iteration) throws IOException {
    return models.save(run.workDir("ckpt-" + iteration), run.context().specSha256(), state(iteration), true);
  }

  ObjectNode state(long iteration) {
    ObjectNode st = JsonNodeFactory.instance.objectNode();
    st.put("stage", s.stage());
    st.put("iteration", iteration);
    return st;
  }

  /** The iteration a resumed checkpoint's state says it completed. */
  static long iterationOf(JsonNode state, String checkpoint) {
    long it = state.path("iteration").asLong(-1);
    if (it < 0) {
      throw new StageFailures.ValidationException("resume checkpoint " + checkpoint + " has no iteration in its state");
    }
    return it;
  }

  Map<String, Double> lastMetrics() {
    return last;
  }
}
