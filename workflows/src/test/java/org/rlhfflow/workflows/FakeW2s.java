package org.rlhfflow.workflows;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.w2s.W2sActivities;
import org.rlhfflow.store.ArtifactRef;

/** W2s activities that do no work: they record what they were asked and return derived refs. */
class FakeW2s implements W2sActivities, PipelineActivities {
  final List<TrainInput> trains = Collections.synchronizedList(new ArrayList<>());
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  List<String> bootstrap = List.of();
  List<String> pretrain = List.of();
  final List<String> pretrained = Collections.synchronizedList(new ArrayList<>());
  List<PretrainResult> reportedPretraining;
  String failRole;
  String reportStatus;

  @Override
  public Plan plan(PlanInput input) {
    calls.add("plan");
    return new Plan("w2s-test", "{}", "sha", List.of(10L, 11L), List.of("nano", "micro"), List.of("tiny", "mini"),
        List.of("xent", "logconf"), bootstrap, "rlhf-cpu",
        Map.of("nano", 1L, "micro", 2L, "tiny", 3L, "mini", 4L), List.of(), 5.0, pretrain);
  }

  @Override
  public DataResult data(DataInput input) {
    calls.add("data/" + input.seed());
    String s = "seed" + input.seed();
    return new DataResult(input.seed(), FakeStages.ref(s + "/train1"), FakeStages.ref(s + "/train2"),
        FakeStages.ref(s + "/test"), Map.of());
  }

  @Override
  public PretrainResult pretrain(PretrainInput input) {
    pretrained.add(input.model());
    return new PretrainResult(input.model(), FakeStages.ref("pretrain/" + input.model()), false, 1.0,
        Map.of("w2s/pretrain_note_accuracy", 0.5));
  }

  @Override
  public TrainResult train(TrainInput input) {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      Thread.sleep(20); // long enough for parallel runs to overlap
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.decrementAndGet();
    trains.add(input);
    if (input.role().equals(failRole)) {
      throw ApplicationFailure.newNonRetryableFailure("injected failure in " + input.role(), "Injected");
    }
    String name = input.role() + "/" + input.model() + "/" + input.loss() + "/" + input.supervisor() + "/" + input.seed();
    return new TrainResult(input.role(), input.model(), input.seed(), input.loss(), FakeStages.ref(name + "/ckpt"),
        input.labelTarget() == null ? null : FakeStages.ref(name + "/labels"), 0.7, false, 1.0, Map.of(),
        input.supervisor());
  }

  @Override
  public ReportResult report(ReportInput input) {
    calls.add("report");
    reportStatus = input.status();
    reportedPretraining = input.pretrained();
    return new ReportResult(Map.of("runs", input.runs().size()), FakeStages.ref("summary"), FakeStages.ref("report"));
  }

  @Override
  public ResolvedSpec resolveSpec(SpecSource source) {
    throw new UnsupportedOperationException("WeakToStrong resolves its spec with W2sPlan");
  }

  @Override
  public String startPipelineRun(StartInput input) {
    calls.add("start");
    return "parent-run";
  }

  @Override
  public Summary finishPipelineRun(FinishInput input) {
    throw new UnsupportedOperationException("WeakToStrong closes its run in W2sReport");
  }
}
