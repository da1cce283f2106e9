package org.rlhfflow.activities.human;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.HumanSpec;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Json;
import org.rlhfflow.store.Sha256;

/**
 * The two activities around the human wait: {@link HumanItemSampler} before it, {@link HumanLabels}
 * after. Both are cached stage runs of {@code collect}, told apart by a {@code phase} input.
 */
public final class HumanCollectActivitiesImpl implements HumanCollectActivities {
  private final StageServices services;

  public HumanCollectActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public HumanItems sampleItems(CollectInput input) {
    ExperimentSpec spec = spec(input.ctx().specJson(), input.ctx().experiment());
    if (input.policy() == null) {
      throw StageFailures.nonRetryable(CollectStage.NAME, new ValidationException(
          "preferences.source: human needs a policy to sample from (the SFT checkpoint), got none"));
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("phase", "human-items");
    inputs.put("policy", input.policy().sha256());
    StageResult r = StageRun.execute(services, input.ctx(), CollectStage.DEF, inputs, run -> {
      try (LanguageModel lm = Models.loadLanguageModel(run, input.policy(), "policy")) {
        return new HumanItemSampler(spec).sample(run, lm);
      }
    });
    HumanSpec h = spec.preferences().human();
    int total = r.metrics().get("collect/items").intValue();
    List<ItemBatch> batches = new ArrayList<>();
    for (int b = 0, first = 0; first < total; b++, first += h.itemsPerBatch()) {
      batches.add(new ItemBatch(b, r.output(HumanItemSampler.output(b)), first,
          Math.min(h.itemsPerBatch(), total - first)));
    }
    return new HumanItems(spec.preferences().responsesPerPrompt(), h.minAnnotators(), h.deadlineSeconds(),
        h.minFraction(), h.rankingsPerRun(), batches, r);
  }

  @Override
  public StageResult finish(FinishInput input) {
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("phase", "human-labels");
    try {
      inputs.put("rankings", Sha256.hex(Sha256.newDigest().digest(Json.MAPPER.writeValueAsBytes(input.results()))));
    } catch (IOException e) {
      throw new IllegalStateException("rankings are not serialisable", e);
    }
    for (ItemBatch b : input.items().batches()) {
      inputs.put("items/" + b.index(), b.items().sha256());
    }
    return StageRun.execute(services, input.ctx(), CollectStage.DEF, inputs,
        run -> new HumanLabels(run, input.items().k()).finish(input.items(), input.results()));
  }

  private static ExperimentSpec spec(String json, String experiment) {
    try {
      return SpecLoader.parse(json, "resolved spec of " + experiment);
    } catch (RuntimeException e) {
      ApplicationFailure bad = StageFailures.nonRetryable(CollectStage.NAME, e);
      throw bad != null ? bad : e;
    }
  }

  /** Fetches a batch's items file (verified) into the run's scratch directory. */
  static LabelItems fetch(StageRun run, ArtifactRef ref) throws IOException {
    Path file = run.workDir("items").resolve(ref.sha256() + ".json");
    if (!Files.exists(file)) {
      run.services().store().get(ref, file);
    }
    return LabelItems.read(file);
  }
}
