package org.rlhfflow.activities.w2s;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.CheckpointSpecs;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.train.CausalLmTraining;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.model.GptConfig;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/**
 * One preset's pretraining (w2s.pretrain): next-token training on {@link W2sCorpus} through the
 * shared {@link CausalLmTraining} loop, so it checkpoints, heartbeats and resumes like SFT. Every
 * model gets the same corpus in the same order; only its size and its initial weights differ. The
 * run reports how well it learnt the corpus: the share of held-out documents whose whole note it
 * predicts (greedy, teacher-forced), the "latent knowledge" the sweep then elicits.
 */
final class W2sPretrainer {
  static final int HELD_OUT = 500;
  private static final int EVAL_BATCH = 100;

  private final StageRun run;
  private final String model;

  W2sPretrainer(StageRun run, String model) {
    this.run = run;
    this.model = model;
  }

  StageResult train(Hooks hooks) throws IOException {
    W2sSpec w = run.spec().w2s();
    if (W2sModels.preset(model) == null) {
      throw new ValidationException("w2s.pretrain: " + model + " is not a preset; Hugging Face directories keep their "
          + "own pretrained weights");
    }
    GptConfig config = W2sModels.config(model, run.spec().model(), "w2s");
    long corpusSeed = Seeds.derive(run.spec().seed(), W2sStages.PRETRAIN_NAME, "corpus");
    List<W2sCorpus.Document> docs = W2sCorpus.documents(w.task(), w.pretrain().documents(), corpusSeed);
    CausalLmTraining.Result r = new CausalLmTraining(run, W2sStages.PRETRAIN_NAME,
        w.pretrain().forWidth(config.hiddenSize()), hooks)
        .train(() -> LanguageModel.create(config, new ByteTokenizer(),
                Seeds.derive(run.spec().seed(), W2sStages.PRETRAIN_NAME, "init", model)),
            lm -> encode(lm, docs), CheckpointSpecs.of(run.context()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("w2s/pretrain_final_loss", r.finalLoss());
    metrics.put("w2s/pretrain_steps", (double) r.steps());
    metrics.put("w2s/params", (double) config.numParams());
    try (LanguageModel lm = LanguageModel.load(r.finalDir())) {
      List<W2sCorpus.Document> heldOut = W2sCorpus.documents(w.task(), HELD_OUT,
          Seeds.derive(run.spec().seed(), W2sStages.PRETRAIN_NAME, "held-out"));
      metrics.put("w2s/pretrain_note_accuracy", noteAccuracy(lm, encode(lm, heldOut)));
    }
    metrics.forEach((k, v) -> run.metric(k, v, r.steps()));
    return run.complete(Map.of("checkpoint", run.services().store().putDirectory(r.finalDir())), metrics);
  }

  private static List<Sequences.Encoded> encode(LanguageModel lm, List<W2sCorpus.Document> docs) {
    List<Sequences.Encoded> out = new ArrayList<>(docs.size());
    for (W2sCorpus.Document d : docs) {
      out.add(W2sCorpus.encode(lm.tokenizer(), d, lm.config().blockSize()));
    }
    return out;
  }

  /** Share of documents whose every note token (and the closing EOS) is the argmax of the step before. */
  static double noteAccuracy(LanguageModel lm, List<Sequences.Encoded> docs) {
    int right = 0;
    try (NoGrad ng = NoGrad.enter()) {
      for (int from = 0; from < docs.size(); from += EVAL_BATCH) {
        List<Sequences.Encoded> batch = docs.subList(from, Math.min(docs.size(), from + EVAL_BATCH));
        try (NDManager m = lm.manager().newSubManager()) {
          Sequences.Batch b = Sequences.collate(batch, lm.tokenizer().padId(), m);
          NDArray argmax = lm.logits(b.ids(), b.attentionMask()).argMax(2); // (B, T)
          long[] guess = argmax.toLongArray();
          int t = (int) argmax.getShape().get(1);
          for (int i = 0; i < batch.size(); i++) {
            Sequences.Encoded e = batch.get(i);
            boolean ok = true;
            for (int k = e.responseStart(); k < e.length() && ok; k++) {
              ok = guess[i * t + k - 1] == e.tokens()[k];
            }
            right += ok ? 1 : 0;
          }
        }
      }
    }
    return (double) right / docs.size();
  }
}
