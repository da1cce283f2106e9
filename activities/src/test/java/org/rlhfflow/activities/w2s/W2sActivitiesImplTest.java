package org.rlhfflow.activities.w2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.activities.w2s.W2sActivities.DataInput;
import org.rlhfflow.activities.w2s.W2sActivities.DataResult;
import org.rlhfflow.activities.w2s.W2sActivities.Plan;
import org.rlhfflow.activities.w2s.W2sActivities.PlanInput;
import org.rlhfflow.activities.w2s.W2sActivities.TrainInput;
import org.rlhfflow.activities.w2s.W2sActivities.TrainResult;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.store.Json;

/** The weak-to-strong activities, run for real on NANO classifiers for a few steps. */
class W2sActivitiesImplTest {
  // 96 train rows / batch 16 = 6 steps per epoch, 2 epochs = 12 steps, checkpoints at 4 and 8.
  static final String YAML = """
      name: w2s-test
      seed: 3
      method: weak_to_strong
      model:
        block_size: 16
      w2s:
        weak: [nano]
        strong: [nano]
        seeds: 1
        train1_size: 96
        train2_size: 96
        test_size: 64
        epochs: 2
        batch_size: 16
        checkpoint_every: 4
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void threads() {
    Determinism.configure(1);
  }

  private W2sActivitiesImpl impl(Path dir) {
    return new W2sActivitiesImpl(StageFixture.services(dir, new StageFixture.Recording(dir)));
  }

  private static TrainInput weak(StageContext ctx, DataResult d) {
    return new TrainInput(ctx, "weak", "nano", d.seed(), d.train1(), null, "xent", d.test(), d.train2(), null);
  }

  private static TrainInput student(StageContext ctx, DataResult d, TrainResult sup, String loss) {
    return new TrainInput(ctx, "student", "nano", d.seed(), d.train2(), sup.labels(), loss, d.test(), null, "nano");
  }

  @Test
  void weakLabelsTrain2AndAStudentLearnsFromThem() throws IOException {
    W2sActivitiesImpl w2s = impl(tmp);
    StageContext ctx = StageFixture.context(YAML);
    DataResult d = w2s.data(new DataInput(ctx, 3));
    assertEquals(96.0, d.metrics().get("w2s/train1_size"));
    assertEquals(64.0, d.metrics().get("w2s/test_size"));
    TrainResult weak = w2s.train(weak(ctx, d));
    assertFalse(weak.reused());
    assertTrue(weak.testAccuracy() >= 0 && weak.testAccuracy() <= 1);
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    var p1 = Json.MAPPER.readTree(services.store().get(weak.labels(), tmp.resolve("labels.json")).toFile()).path("p1");
    assertEquals(96, p1.size()); // one soft label per train2 row
    for (var p : p1) {
      assertTrue(p.asDouble() > 0 && p.asDouble() < 1, "soft label " + p);
    }
    for (String loss : List.of("xent", "logconf")) {
      TrainResult s = w2s.train(student(ctx, d, weak, loss));
      assertNull(s.labels());
      assertEquals(12.0, s.metrics().get("w2s/steps"));
      try (ScalarHeadModel clf = ScalarHeadModel.load(services.store().getDirectory(s.checkpoint(), tmp.resolve(loss)))) {
        assertEquals(ScalarHeadModel.Kind.CLASSIFIER, clf.kind());
      }
    }
    assertTrue(w2s.train(weak(ctx, d)).reused()); // same cache key: not recomputed
  }

  @Test
  void resumingALogconfStudentFromACheckpointEndsBitIdentical() throws IOException {
    W2sActivitiesImpl w2s = impl(tmp);
    StageContext ctx = StageFixture.context(YAML);
    DataResult d = w2s.data(new DataInput(ctx, 3));
    TrainResult weak = w2s.train(weak(ctx, d));
    List<Progress> checkpoints = new ArrayList<>();
    TrainResult full = w2s.train(student(ctx, d, weak, "logconf"), new Hooks(Optional.empty(), checkpoints::add));
    assertEquals(List.of(4L, 8L), checkpoints.stream().map(Progress::step).toList());
    StageContext forced = StageFixture.context(YAML, W2sStages.TRAIN_NAME);
    for (Progress p : checkpoints) { // mid-warmup of alpha (20% of 12 steps is 2.4) and after it
      TrainResult resumed = w2s.train(student(forced, d, weak, "logconf"),
          new Hooks(Optional.of(new Progress(p.step() + 1, p.checkpoint())), x -> {}));
      assertEquals(full.checkpoint().sha256(), resumed.checkpoint().sha256(), "from step " + p.step());
      assertEquals(full.testAccuracy(), resumed.testAccuracy());
    }
  }

  @Test
  void xentAndLogconfStudentsDiffer() throws IOException {
    W2sActivitiesImpl w2s = impl(tmp);
    StageContext ctx = StageFixture.context(YAML);
    DataResult d = w2s.data(new DataInput(ctx, 3));
    TrainResult weak = w2s.train(weak(ctx, d));
    assertNotEquals(w2s.train(student(ctx, d, weak, "xent")).checkpoint().sha256(),
        w2s.train(student(ctx, d, weak, "logconf")).checkpoint().sha256());
  }

  // 96 documents / batch 16 = 6 steps per epoch, 2 epochs = 12 steps, checkpoints at 5 and 10.
  static final String PRETRAIN = YAML.replace("w2s:\n", "w2s:\n  task: weighted\n"
      + "  pretrain: {epochs: 2, documents: 96, batch_size: 16, checkpoint_every: 5}\n");

  @Test
  void pretrainingOncePerModelFeedsEveryRunOfIt() throws IOException {
    W2sActivitiesImpl w2s = impl(tmp);
    StageContext ctx = StageFixture.context(PRETRAIN);
    Plan plan = w2s.plan(new PlanInput(null, PRETRAIN, null));
    assertEquals(List.of("nano"), plan.pretrainedModels());
    W2sActivities.PretrainResult pre = w2s.pretrain(new W2sActivities.PretrainInput(ctx, "nano"));
    assertEquals(12.0, pre.metrics().get("w2s/pretrain_steps"));
    double note = pre.metrics().get("w2s/pretrain_note_accuracy");
    assertTrue(note >= 0 && note <= 1, "note accuracy " + note);
    DataResult d = w2s.data(new DataInput(ctx, 3));
    TrainResult fromScratch = w2s.train(weak(ctx, d));
    TrainInput onPretrained = new TrainInput(ctx, "weak", "nano", d.seed(), d.train1(), null, "xent", d.test(),
        d.train2(), null, pre.checkpoint());
    TrainResult tuned = w2s.train(onPretrained);
    assertFalse(tuned.reused()); // the pretrained checkpoint is part of the cache key
    assertNotEquals(fromScratch.checkpoint().sha256(), tuned.checkpoint().sha256());
    // Fine-tuning settings are not in pretraining's cache key: changing them reuses it.
    assertTrue(PRETRAIN.contains("  epochs: 2\n  batch_size"));
    StageContext otherTuning = StageFixture.context(PRETRAIN.replace("  epochs: 2\n  batch_size", "  epochs: 3\n  batch_size"));
    assertTrue(w2s.pretrain(new W2sActivities.PretrainInput(otherTuning, "nano")).reused());
  }

  @Test
  void aLinearProbeTrainsTheHeadAndLeavesThePretrainedTrunkAsItWas() throws IOException {
    String yaml = PRETRAIN.replace("  task: weighted\n", "  task: weighted\n  linear_probe: true\n");
    W2sActivitiesImpl w2s = impl(tmp);
    StageContext ctx = StageFixture.context(yaml);
    W2sActivities.PretrainResult pre = w2s.pretrain(new W2sActivities.PretrainInput(ctx, "nano"));
    DataResult d = w2s.data(new DataInput(ctx, 3));
    TrainResult probe = w2s.train(new TrainInput(ctx, "weak", "nano", d.seed(), d.train1(), null, "xent", d.test(),
        d.train2(), null, pre.checkpoint()));
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    try (LanguageModel lm = LanguageModel.load(services.store().getDirectory(pre.checkpoint(), tmp.resolve("lm")));
        ScalarHeadModel clf = ScalarHeadModel.load(services.store().getDirectory(probe.checkpoint(), tmp.resolve("clf")))) {
      var trunk = lm.weights();
      int compared = 0;
      boolean head = false;
      for (var e : clf.weights().entrySet()) {
        if (e.getKey().startsWith("head.")) {
          assertTrue(e.getValue().abs().sum().getFloat() > 0, "the zero head did not train");
          head = true;
        } else if (trunk.containsKey(e.getKey())) {
          assertTrue(trunk.get(e.getKey()).contentEquals(e.getValue()), e.getKey() + " moved");
          compared++;
        }
      }
      assertTrue(head && compared > 10, "head seen " + head + ", trunk keys compared: " + compared);
    }
  }

  @Test
  void resumedPretrainingEndsBitIdentical() throws IOException {
    W2sActivitiesImpl w2s = impl(tmp);
    StageContext ctx = StageFixture.context(PRETRAIN);
    List<Progress> checkpoints = new ArrayList<>();
    W2sActivities.PretrainResult full = w2s.pretrain(new W2sActivities.PretrainInput(ctx, "nano"),
        new Hooks(Optional.empty(), checkpoints::add));
    assertEquals(List.of(5L, 10L), checkpoints.stream().map(Progress::step).toList());
    StageContext forced = StageFixture.context(PRETRAIN, W2sStages.PRETRAIN_NAME);
    Progress p = checkpoints.get(0);
    W2sActivities.PretrainResult resumed = w2s.pretrain(new W2sActivities.PretrainInput(forced, "nano"),
        new Hooks(Optional.of(new Progress(p.step() + 1, p.checkpoint())), x -> {}));
    assertEquals(full.checkpoint().sha256(), resumed.checkpoint().sha256());
    assertEquals(full.metrics().get("w2s/pretrain_note_accuracy"), resumed.metrics().get("w2s/pretrain_note_accuracy"));
  }

  @Test
  void planWarnsWhenTheStrongModelIsNotLarger() {
    Plan plan = impl(tmp).plan(new PlanInput(null, YAML.replace("strong: [nano]", "strong: [nano, micro]"), null));
    assertEquals(1, plan.warnings().size());
    assertTrue(plan.warnings().get(0).contains("strong model nano"), plan.warnings().get(0));
    assertEquals(List.of("xent", "logconf"), plan.losses());
    assertTrue(plan.params().get("micro") > plan.params().get("nano"));
  }

  @Test
  void badInputFailsNonRetryablyWithItsPlace() throws IOException {
    W2sActivitiesImpl w2s = impl(tmp);
    ApplicationFailure loss = assertThrows(ApplicationFailure.class,
        () -> w2s.plan(new PlanInput("bad.yaml", YAML.replace("seeds: 1", "seeds: 1\n  loss: hinge"), null)));
    assertTrue(loss.isNonRetryable());
    assertTrue(loss.getOriginalMessage().contains("bad.yaml:10:9: w2s.loss: expected one of xent | logconf | both"),
        loss.getOriginalMessage());
    ApplicationFailure task = assertThrows(ApplicationFailure.class,
        () -> w2s.plan(new PlanInput("bad.yaml", YAML.replace("seeds: 1", "seeds: 1\n  task: halfs"), null)));
    assertTrue(task.isNonRetryable());
    assertTrue(task.getOriginalMessage().contains("w2s.task: unknown built-in task \"halfs\" (known: balance, halves, weighted)"),
        task.getOriginalMessage());
    ApplicationFailure model = assertThrows(ApplicationFailure.class,
        () -> w2s.plan(new PlanInput(null, YAML.replace("weak: [nano]", "weak: [nanoo]"), null)));
    assertTrue(model.getOriginalMessage().contains("w2s.weak: \"nanoo\" is neither a preset"), model.getOriginalMessage());
    ApplicationFailure method = assertThrows(ApplicationFailure.class,
        () -> w2s.plan(new PlanInput(null, YAML.replace("method: weak_to_strong", "method: rlhf")
            .replace("block_size: 16", "block_size: 64"), null)));
    assertTrue(method.getOriginalMessage().contains("method: rlhf"), method.getOriginalMessage());

    Path labels = tmp.resolve("three-classes.jsonl");
    Files.writeString(labels, "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 2}\n");
    ApplicationFailure nonBinary = assertThrows(ApplicationFailure.class, () -> w2s.data(
        new DataInput(StageFixture.context(YAML.replace("seeds: 1", "seeds: 1\n  dataset: " + labels)), 3)));
    assertTrue(nonBinary.isNonRetryable());
    assertTrue(nonBinary.getOriginalMessage().contains("three-classes.jsonl: line 2: field \"label\" must be binary"),
        nonBinary.getOriginalMessage());

    Path small = tmp.resolve("small.jsonl");
    Files.writeString(small, "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 1}\n");
    ApplicationFailure empty = assertThrows(ApplicationFailure.class, () -> impl(tmp.resolve("b")).data(
        new DataInput(StageFixture.context(YAML.replace("seeds: 1", "seeds: 1\n  dataset: " + small)), 3)));
    assertTrue(empty.getOriginalMessage().contains("2 examples leave split train1 empty"), empty.getOriginalMessage());
  }

  @Test
  void aHuggingFaceGpt2DirectoryIsAStrongModel() throws IOException {
    Path hf = Path.of(System.getProperty("rlhf.repo.root", "..")).resolve("model/src/test/resources/hf-tiny-gpt2");
    W2sActivitiesImpl w2s = impl(tmp);
    String yaml = YAML.replace("strong: [nano]", "strong: [\"" + hf + "\"]").replace("epochs: 2", "epochs: 1");
    Plan plan = w2s.plan(new PlanInput(null, yaml, null));
    assertTrue(plan.params().get(hf.toString()) > 0);
    StageContext ctx = StageFixture.context(yaml);
    DataResult d = w2s.data(new DataInput(ctx, 3));
    TrainResult ceiling = w2s.train(new TrainInput(ctx, "ceiling", hf.toString(), 3, d.train2(), null, "xent", d.test(),
        null, null));
    StageServices services = StageFixture.services(tmp, new StageFixture.Recording(tmp));
    try (ScalarHeadModel clf = ScalarHeadModel.load(services.store().getDirectory(ceiling.checkpoint(), tmp.resolve("hf")))) {
      assertEquals(ScalarHeadModel.Kind.CLASSIFIER, clf.kind());
      assertEquals(64, clf.trunk().config().hiddenSize()); // the directory's trunk, not a preset
    }
  }
}
