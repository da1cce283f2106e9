package org.rlhfflow.activities.w2s;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.train.EpochBatches;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.activities.train.TrainingCheckpoints;
import org.rlhfflow.activities.train.TrainingLoop;
import org.rlhfflow.activities.train.TrainingLoop.StepLoss;
import org.rlhfflow.activities.w2s.W2sActivities.TrainInput;
import org.rlhfflow.data.LabelledText;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.CheckpointMeta;
import org.rlhfflow.model.loss.AuxConfidenceLoss;
import org.rlhfflow.model.optim.AdamW;
import org.rlhfflow.model.optim.LrSchedule;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Json;

/**
 * One weak-to-strong training run: a classifier (last real token, zero head) trained on ground
 * truth or on a supervisor's soft labels, with cross-entropy or the auxiliary confidence loss, then
 * scored on the test split and, when asked, labelling the next split. It runs in the shared
 * {@link TrainingLoop}, so it checkpoints, heartbeats and resumes bit-identically like SFT and RM.
 */
final class W2sTrainer {
  /** As the RM: 10% linear warmup, cosine to 10% of the peak. */
  static final double WARMUP_FRACTION = 0.1;
  static final double MIN_LR_RATIO = 0.1;
  static final int EVAL_BATCH = 64;

  private final StageRun run;
  private final TrainInput input;
  private final W2sSpec spec;

  W2sTrainer(StageRun run, TrainInput input) {
    this.run = run;
    this.input = input;
    this.spec = run.spec().w2s();
  }

  StageResult train(Hooks hooks) throws IOException {
    List<LabelledText> rows = W2sSplits.read(run.services().store().get(input.train(), run.workDir("in").resolve("train.jsonl")));
    float[] targets = targets(rows);
    Optional<Progress> resume = hooks.resumePoint(run);
    Path resumeDir = resume.isPresent() ? Models.fetch(run, resume.get().checkpoint(), "resume") : null;
    long initSeed = Seeds.derive(input.seed(), W2sStages.TRAIN_NAME, input.role(), input.model());
    try (ScalarHeadModel clf = resumeDir != null ? ScalarHeadModel.load(resumeDir)
            : input.pretrained() != null
                ? W2sModels.classifier(Models.fetch(run, input.pretrained(), "pretrained"), initSeed)
                : W2sModels.classifier(input.model(), run.spec().model(), initSeed);
        AdamW adamw = AdamW.builder().setParameters(trained(clf)).optWeightDecay(0).build()) {
      JsonNode resumedState = null;
      long startStep = 0;
      if (resumeDir != null) {
        adamw.restoreState(TrainingCheckpoints.extras(resumeDir, clf.manager()));
        CheckpointMeta meta = Checkpoint.readMeta(resumeDir);
        resumedState = meta.trainingState();
        startStep = meta.step();
      }
      List<Sequences.Encoded> encoded = encode(clf, rows);
      EpochBatches batches = new EpochBatches(initSeed, W2sStages.TRAIN_NAME, rows.size(), spec.batchSize());
      long total = (long) spec.epochs() * batches.stepsPerEpoch();
      LrSchedule schedule = new LrSchedule(spec.learningRateFor(input.model(), clf.trunk().config().hiddenSize()),
          (long) Math.ceil(total * WARMUP_FRACTION), total, MIN_LR_RATIO);
      String specSha = input.ctx().specSha256();
      TrainingLoop loop = new TrainingLoop(run,
          new TrainingLoop.Config("w2s", total, spec.checkpointEvery(), 1.0, schedule),
          trained(clf), adamw, batches, clf.manager(),
          (dir, step, state, optim) -> clf.save(dir, step, specSha, state, optim), hooks);
      StudentLoss loss = new StudentLoss(clf, encoded, targets, total, startStep);
      double finalLoss = loop.run(startStep, resumedState, loss::compute);
      return finish(clf, total, finalLoss, specSha);
    }
  }

  /** The whole classifier, or its head alone under w2s.linear_probe. */
  private ai.djl.nn.ParameterList trained(ScalarHeadModel clf) {
    return spec.linearProbe() ? clf.headParameters() : clf.trainableParameters();
  }

  private StageResult finish(ScalarHeadModel clf, long total, double finalLoss, String specSha) throws IOException {
    List<LabelledText> test = W2sSplits.read(run.services().store().get(input.test(), run.workDir("in").resolve("test.jsonl")));
    float[] p1 = predict(clf, test);
    double correct = 0;
    for (int i = 0; i < p1.length; i++) {
      correct += (p1[i] > 0.5 ? 1 : 0) == test.get(i).label() ? 1 : 0;
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("w2s/test_accuracy", correct / test.size());
    metrics.put("w2s/final_loss", finalLoss);
    metrics.put("w2s/steps", (double) total);
    metrics.put("w2s/params", (double) clf.trunk().config().numParams());
    metrics.forEach((k, v) -> run.metric(k, v, total));
    Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
    outputs.put("checkpoint", run.services().store().putDirectory(saveFinal(clf, total, specSha)));
    if (input.labelTarget() != null) {
      List<LabelledText> target = W2sSplits.read(
          run.services().store().get(input.labelTarget(), run.workDir("in").resolve("target.jsonl")));
      float[] soft = predict(clf, target);
      outputs.put("labels", run.services().store().put(writeLabels(soft)));
      double agree = 0;
      for (int i = 0; i < soft.length; i++) {
        agree += (soft[i] > 0.5 ? 1 : 0) == target.get(i).label() ? 1 : 0;
      }
      metrics.put("w2s/label_accuracy", agree / soft.length); // how good the labels it hands on are
      run.metric("w2s/label_accuracy", agree / soft.length, total);
    }
    return run.complete(outputs, metrics);
  }

  /** Ground truth as 0/1, or the supervisor's p(label 1); the two files must line up row by row. */
  private float[] targets(List<LabelledText> rows) throws IOException {
    float[] out = new float[rows.size()];
    if (input.softLabels() == null) {
      for (int i = 0; i < out.length; i++) {
        out[i] = rows.get(i).label();
      }
      return out;
    }
    Path file = run.services().store().get(input.softLabels(), run.workDir("in").resolve("labels.json"));
    JsonNode p1 = Json.MAPPER.readTree(file.toFile()).path("p1");
    if (p1.size() != rows.size()) {
      throw new ValidationException("w2s labels " + input.softLabels().sha256() + " have " + p1.size()
          + " values for " + rows.size() + " training rows");
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) p1.get(i).asDouble();
    }
    return out;
  }

  private static List<Sequences.Encoded> encode(ScalarHeadModel clf, List<LabelledText> rows) {
    int block = clf.trunk().config().blockSize();
    List<Sequences.Encoded> out = new ArrayList<>(rows.size());
    for (LabelledText r : rows) {
      out.add(Sequences.encode(clf.tokenizer(), "", r.text(), block)); // [BOS] text [EOS]; read at EOS
    }
    return out;
  }

  /** p(label 1) for every row, in batches, without gradients. */
  static float[] predict(ScalarHeadModel clf, List<LabelledText> rows) {
    List<Sequences.Encoded> encoded = encode(clf, rows);
    float[] out = new float[rows.size()];
    try (NoGrad ng = NoGrad.enter()) {
      for (int from = 0; from < rows.size(); from += EVAL_BATCH) {
        int to = Math.min(rows.size(), from + EVAL_BATCH);
        try (NDManager m = clf.manager().newSubManager()) {
          Sequences.Batch b = Sequences.collate(encoded.subList(from, to), clf.tokenizer().padId(), m);
          float[] p = clf.logits(b.ids(), b.attentionMask()).softmax(1).get(":, 1").toFloatArray(); // (B)
          System.arraycopy(p, 0, out, from, p.length);
        }
      }
    }
    return out;
  }

  private Path writeLabels(float[] p1) throws IOException {
    ObjectNode o = Json.MAPPER.createObjectNode();
    var array = o.putArray("p1");
    for (float p : p1) {
      array.add(p);
    }
    Path file = run.workDir("out").resolve("labels.json");
    Files.writeString(file, Json.MAPPER.writeValueAsString(o));
    return file;
  }

  private Path saveFinal(ScalarHeadModel clf, long total, String specSha) throws IOException {
    Path dir = run.workDir("final");
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("stage", W2sStages.TRAIN_NAME);
    state.put("role", input.role());
    state.put("steps", total);
    clf.save(dir, total, specSha, state, null);
    return dir;
  }

  /**
   * The step loss: cross-entropy against the (soft) targets, or the auxiliary confidence loss
   * whose alpha follows training progress. The loop calls it once per step in order, so a counter
   * started at the resume step knows the step without widening the loop's interface.
   */
  private final class StudentLoss {
    private final ScalarHeadModel clf;
    private final List<Sequences.Encoded> encoded;
    private final float[] targets;
    private final long total;
    private final AuxConfidenceLoss aux;
    private long step;

    StudentLoss(ScalarHeadModel clf, List<Sequences.Encoded> encoded, float[] targets, long total, long startStep) {
      this.clf = clf;
      this.encoded = encoded;
      this.targets = targets;
      this.total = total;
      this.step = startStep;
      this.aux = "logconf".equals(input.loss()) ? new AuxConfidenceLoss(spec.auxAlpha(), spec.auxWarmup()) : null;
    }

    StepLoss compute(int[] rows, NDManager m) {
      List<Sequences.Encoded> batch = new ArrayList<>(rows.length);
      float[] t = new float[rows.length];
      for (int i = 0; i < rows.length; i++) {
        batch.add(encoded.get(rows[i]));
        t[i] = targets[rows[i]];
      }
      Sequences.Batch b = Sequences.collate(batch, clf.tokenizer().padId(), m);
      NDArray logits = clf.logits(b.ids(), b.attentionMask(), spec.linearProbe()); // (B, 2)
      NDArray target = m.create(t);
      Map<String, Double> metrics = new LinkedHashMap<>();
      NDArray loss;
      if (aux != null) {
        AuxConfidenceLoss.Result r = aux.compute(logits, target, Math.min(1.0, (double) step / total));
        loss = r.loss();
        metrics.put("w2s/aux_alpha", r.alpha());
      } else {
        NDArray logp = logits.logSoftmax(1); // (B, 2)
        NDArray soft = target.neg().add(1).stack(target, 1); // (B, 2): [1 - p, p]
        loss = logp.mul(soft).sum(new int[] {1}).mean().neg();
      }
      float[] p = logits.stopGradient().softmax(1).get(":, 1").toFloatArray();
      double agree = 0;
      for (int i = 0; i < p.length; i++) {
        agree += (p[i] > 0.5) == (t[i] > 0.5) ? 1 : 0;
      }
      metrics.put("w2s/train_agreement", agree / p.length); // with the labels it is trained on
      step++;
      return new StepLoss(loss, metrics);
    }
  }
}
