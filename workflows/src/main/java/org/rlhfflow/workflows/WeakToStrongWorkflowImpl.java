package org.rlhfflow.workflows;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.PipelineActivities.StartInput;
import org.rlhfflow.activities.StageContext;
import java.time.Duration;
import org.rlhfflow.activities.w2s.W2sActivities;
import org.rlhfflow.activities.w2s.W2sStages;
import org.rlhfflow.activities.w2s.W2sActivities.DataInput;
import org.rlhfflow.activities.w2s.W2sActivities.DataResult;
import org.rlhfflow.activities.w2s.W2sActivities.Plan;
import org.rlhfflow.activities.w2s.W2sActivities.PlanInput;
import org.rlhfflow.activities.w2s.W2sActivities.PretrainInput;
import org.rlhfflow.activities.w2s.W2sActivities.PretrainResult;
import org.rlhfflow.activities.w2s.W2sActivities.ReportInput;
import org.rlhfflow.activities.w2s.W2sActivities.ReportResult;
import org.rlhfflow.activities.w2s.W2sActivities.TrainInput;
import org.rlhfflow.activities.w2s.W2sActivities.TrainResult;

/**
 * Orchestrates the sweep and nothing else. Per seed, the weak supervisors (train1, ground truth)
 * and the strong ceilings (train2, ground truth) start at once; each student starts as soon as its
 * supervisor's labels exist; a bootstrapping chain runs link by link. All training runs are
 * activities on the spec's queue, so every worker polling it takes a share.
 */
public class WeakToStrongWorkflowImpl implements WeakToStrongWorkflow {
  private final PipelineActivities pipeline =
      Workflow.newActivityStub(PipelineActivities.class, StageOptions.bookkeeping());
  private final W2sActivities bookkeeping = Workflow.newActivityStub(W2sActivities.class, StageOptions.bookkeeping());

  /** Runs by key (role/model/loss/supervisor/seed): the same run asked for twice is scheduled once. */
  private final Map<String, Promise<TrainResult>> runs = new LinkedHashMap<>();
  private final List<TrainResult> finished = new ArrayList<>();
  /** Pretraining by model (w2s.pretrain); empty when off, and every run then starts as it always did. */
  private final Map<String, Promise<PretrainResult>> pretrained = new LinkedHashMap<>();
  private final List<PretrainResult> pretrainedDone = new ArrayList<>();
  private W2sActivities training;
  private String experiment = "";
  private String stage = "plan";

  @Override
  public W2sResult run(W2sInput input) {
    long start = Workflow.currentTimeMillis();
    Plan plan = bookkeeping.plan(new PlanInput(input.specPath(), input.specYaml(), input.seed()));
    experiment = plan.experiment();
    // Options from the training stage's definition: its budget, retries and the resources' heartbeat timeout.
    training = Workflow.newActivityStub(W2sActivities.class, W2sStages.TRAIN.options(plan.queue(),
        Duration.ofMillis(Math.round(plan.heartbeatTimeoutS() * 1000))));
    String parentRun = pipeline.startPipelineRun(new StartInput(experiment, Workflow.getInfo().getWorkflowId(),
        Workflow.getInfo().getRunId(), plan.specJson(), plan.specSha256()));
    StageContext ctx = new StageContext(experiment, Workflow.getInfo().getWorkflowId(), parentRun, plan.specJson(),
        plan.specSha256(), input.forceStages() == null ? List.of() : input.forceStages());
    try {
      sweep(plan, ctx);
    } catch (ActivityFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      stage = cancelled ? "cancelled" : "failed";
      Workflow.newDetachedCancellationScope(() -> bookkeeping.report(new ReportInput(ctx, plan, List.copyOf(finished),
          seconds(start), cancelled ? "KILLED" : "FAILED", e.getMessage(), pretrainedSoFar()))).run();
      throw e;
    }
    stage = "report";
    ReportResult report = bookkeeping.report(new ReportInput(ctx, plan, List.copyOf(finished), seconds(start),
        "FINISHED", null, pretrainedSoFar()));
    stage = "done";
    return new W2sResult(experiment, plan.specSha256(), List.copyOf(finished), report.summary(), report.summaryJson(),
        report.report());
  }

  private void sweep(Plan plan, StageContext ctx) {
    if (!plan.pretrainedModels().isEmpty()
        && Workflow.getVersion("w2s-pretrain", Workflow.DEFAULT_VERSION, 1) >= 1) {
      for (String model : plan.pretrainedModels()) {
        pretrained.put(model, Async.function(training::pretrain, new PretrainInput(ctx, model)).thenApply(r -> {
          pretrainedDone.add(r);
          return r;
        }));
      }
    }
    stage = "data";
    List<Promise<DataResult>> data = new ArrayList<>();
    for (long seed : plan.seeds()) {
      data.add(Async.function(training::data, new DataInput(ctx, seed)));
    }
    stage = "train";
    for (Promise<DataResult> d : data) {
      DataResult split = d.get();
      for (String weak : plan.weak()) {
        Promise<TrainResult> supervisor = weak(ctx, split, weak);
        for (String strong : plan.strong()) {
          for (String loss : plan.losses()) {
            student(ctx, split, "student", strong, loss, weak, supervisor);
          }
        }
      }
      plan.strong().forEach(strong -> ceiling(ctx, split, strong));
      if (!plan.bootstrap().isEmpty()) {
        bootstrap(ctx, split, plan.bootstrap());
      }
    }
    for (Promise<TrainResult> p : List.copyOf(runs.values())) {
      p.get(); // the first failure surfaces here and fails the sweep
    }
  }

  /** Trained on train1's ground truth; labels train2 for the students. */
  private Promise<TrainResult> weak(StageContext ctx, DataResult d, String model) {
    return schedule(new TrainInput(ctx, "weak", model, d.seed(), d.train1(), null, "xent", d.test(), d.train2(), null));
  }

  private Promise<TrainResult> ceiling(StageContext ctx, DataResult d, String model) {
    return schedule(new TrainInput(ctx, "ceiling", model, d.seed(), d.train2(), null, "xent", d.test(), null, null));
  }

  /** Starts once the supervisor's labels exist; labels train2 itself only when it is a chain link. */
  private Promise<TrainResult> student(StageContext ctx, DataResult d, String role, String model, String loss,
      String supervisorName, Promise<TrainResult> supervisor) {
    String key = key(role, model, loss, supervisorName, d.seed());
    if (!runs.containsKey(key)) {
      runs.put(key, supervisor.thenCompose(s -> track(launch(new TrainInput(ctx, role, model,
          d.seed(), d.train2(), s.labels(), loss, d.test(), role.equals("bootstrap") ? d.train2() : null,
          supervisorName)))));
    }
    return runs.get(key);
  }

  /**
   * Burns et al. 2023, sec. 4.3.1: the first model (a weak supervisor) labels train2 for the second,
   * whose own predictions on train2 then supervise the third, and so on; plus direct transfer from
   * the first to the last and the last one's ceiling, to compare against.
   */
  private void bootstrap(StageContext ctx, DataResult d, List<String> chain) {
    Promise<TrainResult> previous = weak(ctx, d, chain.get(0));
    for (int i = 1; i < chain.size(); i++) {
      previous = student(ctx, d, "bootstrap", chain.get(i), "xent", chain.get(i - 1), previous);
    }
    String last = chain.get(chain.size() - 1);
    student(ctx, d, "student", last, "xent", chain.get(0), weak(ctx, d, chain.get(0)));
    ceiling(ctx, d, last);
  }

  private Promise<TrainResult> schedule(TrainInput in) {
    String key = key(in.role(), in.model(), in.loss(), in.supervisor(), in.seed());
    return runs.computeIfAbsent(key, k -> track(launch(in)));
  }

  /** Starts a run now, or once its model's pretraining is done, on that checkpoint. */
  private Promise<TrainResult> launch(TrainInput in) {
    Promise<PretrainResult> base = pretrained.get(in.model());
    if (base == null) {
      return Async.function(training::train, in); // the command order of sweeps without pretraining
    }
    return base.thenCompose(b -> Async.function(training::train, new TrainInput(in.ctx(), in.role(), in.model(),
        in.seed(), in.train(), in.softLabels(), in.loss(), in.test(), in.labelTarget(), in.supervisor(),
        b.checkpoint())));
  }

  private List<PretrainResult> pretrainedSoFar() {
    return List.copyOf(pretrainedDone);
  }

  private Promise<TrainResult> track(Promise<TrainResult> p) {
    return p.thenApply(r -> {
      finished.add(r);
      return r;
    });
  }

  private static String key(String role, String model, String loss, String supervisor, long seed) {
    return role + "/" + model + "/" + loss + "/" + supervisor + "/" + seed;
  }

  private static double seconds(long startMillis) {
    return (Workflow.currentTimeMillis() - startMillis) / 1000.0;
  }

  @Override
  public Progress progress() {
    // pretraining runs count as runs: a sweep with w2s.pretrain shows them in its progress
    return new Progress(experiment, stage, finished.size() + pretrainedDone.size(), runs.size() + pretrained.size(),
        (int) (finished.stream().filter(TrainResult::reused).count()
            + pretrainedDone.stream().filter(PretrainResult::reused).count()));
  }
}
