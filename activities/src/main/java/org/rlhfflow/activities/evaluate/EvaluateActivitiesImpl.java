package org.rlhfflow.activities.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.PreferenceSpec;
import org.rlhfflow.activities.evaluate.EvaluateActivities;
import org.rlhfflow.activities.evaluate.EvaluateInput;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.tasks.Task;

/**
 * The evaluate stage: samples the SFT and PPO policies on held-out prompts with the same seeds and
 * compares them by the task's oracle, the reward model and the KL to the SFT reference. Outputs a
 * JSON {@code report} and, when the PPO curve is given, a {@code plot} of reward over iterations.
 *
 * <pre>{@code
 * StageResult r = new EvaluateActivitiesImpl(services)
 *     .evaluate(new EvaluateInput(ctx, sft, ppo, rm, curve));
 * double win = r.metrics().get("eval/ppo_vs_sft_win_rate");
 * }</pre>
 */
public final class EvaluateActivitiesImpl implements EvaluateActivities {
  private final StageServices services;

  public EvaluateActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public EvaluateResult evaluate(EvaluateInput input) {
    Map<String, String> inputs;
    try {
      inputs = cacheInputs(input);
    } catch (RuntimeException e) {
      ApplicationFailure bad = StageFailures.nonRetryable(EvaluateStage.NAME, e);
      throw bad != null ? bad : e;
    }
    return EvaluateResult.of(StageRun.execute(services, input.ctx(), EvaluateStage.DEF, inputs,
        run -> evaluate(run, input, hasOracle(run.spec()))));
  }

  /**
   * Imported preference data comes with no oracle: the task section still names a task, but its
   * hidden reward did not label the data, so scoring by it would measure nothing.
   */
  static boolean hasOracle(ExperimentSpec spec) {
    return spec.preferences().source() != PreferenceSpec.Source.DATASET;
  }

  private static Map<String, String> cacheInputs(EvaluateInput input) {
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("sft_model", require(input.sftModel(), "sftModel").sha256());
    inputs.put("ppo_model", require(input.ppoModel(), "ppoModel").sha256());
    if (input.rewardModel() != null) { // absent with DPO and verifier rewards
      inputs.put("reward_model", input.rewardModel().sha256());
    }
    if (input.ppoCurve() != null) {
      inputs.put("ppo_curve", input.ppoCurve().sha256());
    }
    if (input.slCaiModel() != null) { // RL-CAI only: every other pipeline's key is unchanged
      inputs.put("sl_cai_model", input.slCaiModel().sha256());
    }
    String method = method(input);
    if (!"ppo".equals(method)) { // names the figures; left out for PPO so its cache keys stay as they were
      inputs.put("method", method);
    }
    return inputs;
  }

  private static String method(EvaluateInput input) {
    return SpecLoader.parse(input.ctx().specJson(), "resolved spec of " + input.ctx().experiment()).method();
  }

  private static ArtifactRef require(ArtifactRef ref, String field) {
    if (ref == null) {
      throw new ValidationException("EvaluateInput." + field + " is missing: evaluation needs the SFT model and the tuned policy");
    }
    return ref;
  }

  private StageResult evaluate(StageRun run, EvaluateInput input, boolean oracle) throws IOException {
    ExperimentSpec spec = run.spec();
    Task task = Task.named(spec.task().name());
    // The first evaluation.prompts of the task's held-out split (the split is prefix-stable).
    List<String> prompts = task.prompts("heldout", spec.evaluation().prompts(), spec.seed());
    // The plot first: a malformed curve fails the stage before minutes of sampling.
    Path plot = input.ppoCurve() == null ? null : plot(run, input.ppoCurve());
    PolicySamples sft;
    PolicySamples ppo;
    PolicySamples slCai;
    String name = spec.method(); // the tuned policy's name in the figures: ppo, dpo, grpo or rloo
    try (LanguageModel sftLm = Models.loadLanguageModel(run, input.sftModel(), "sft");
        LanguageModel ppoLm = Models.loadLanguageModel(run, input.ppoModel(), name);
        ScalarHeadModel rm = input.rewardModel() == null ? null
            : Models.loadScalarHead(run, input.rewardModel(), "reward_model")) {
      if (rm != null) {
        sameTokenizer(rm.tokenizer().describe(), sftLm, ppoLm);
      } else if (!oracle) {
        throw new ValidationException("evaluation without a reward model needs the task's oracle, but imported "
            + "preferences (preferences.source: dataset) have none: nothing would be measured but the KL");
      }
      var sampler = new PolicySamples.Sampler(run, spec.evaluation(), spec.seed(), rm, oracle ? task : null);
      sft = sampler.sample(sftLm, null, prompts, 0);
      ppo = sampler.sample(ppoLm, sftLm, prompts, prompts.size());
      // Sampled after the two, from a stream of its own, so that their figures are as without it.
      slCai = input.slCaiModel() == null ? null : sampleSlCai(run, input, sampler, sftLm, prompts);
    }
    Map<String, Double> metrics = EvalReport.metrics(sft, ppo, prompts.size(), name);
    EvalReport.putAxes(metrics, task, sft, ppo, name);
    if (slCai != null) {
      EvalReport.putAxes(metrics, task, slCai, ExperimentSpec.SL_CAI);
      metrics.put("eval/oracle_score_" + ExperimentSpec.SL_CAI, EvalReport.mean(slCai.oracle()));
    }
    run.checkFinite(0, metrics);
    metrics.forEach((k, v) -> run.metric(k, v, 0));
    Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
    Path report = EvalReport.write(run.workDir("out").resolve("eval_report.json"), spec.evaluation(), metrics, sft, ppo,
        name);
    outputs.put(EvaluateResult.REPORT, publish(run, report));
    if (plot != null) {
      outputs.put(EvaluateResult.PLOT, publish(run, plot));
    }
    return run.complete(outputs, metrics);
  }

  private static PolicySamples sampleSlCai(StageRun run, EvaluateInput input, PolicySamples.Sampler sampler,
      LanguageModel sftLm, List<String> prompts) throws IOException {
    try (LanguageModel lm = Models.loadLanguageModel(run, input.slCaiModel(), ExperimentSpec.SL_CAI)) {
      return sampler.sample(lm, sftLm, prompts, 2 * prompts.size());
    }
  }

  /** The reward model scores the policies' token ids, so all three must share one vocabulary. */
  private static void sameTokenizer(JsonNode rmTokenizer, LanguageModel sft, LanguageModel ppo) {
    for (LanguageModel lm : List.of(sft, ppo)) {
      if (!lm.tokenizer().describe().equals(rmTokenizer)) {
        throw new ValidationException("reward model tokenizer " + rmTokenizer + " differs from policy tokenizer "
            + lm.tokenizer().describe() + ": the RM must be trained from the same base model");
      }
    }
  }

  private static Path plot(StageRun run, ArtifactRef curveRef) throws IOException {
    Path dir = run.workDir("out");
    Path json = run.services().store().get(curveRef, dir.resolve("ppo_curve.json"));
    CurvePlot.Curve curve = CurvePlot.read(json, "PPO curve artifact " + curveRef.sha256());
    return CurvePlot.render(curve, dir.resolve("reward_over_iterations.png"));
  }

  /** Stores the file as a stage output and attaches it to the tracking run. */
  private static ArtifactRef publish(StageRun run, Path file) throws IOException {
    run.artifact(file, "evaluate");
    return run.services().store().put(file);
  }
}
