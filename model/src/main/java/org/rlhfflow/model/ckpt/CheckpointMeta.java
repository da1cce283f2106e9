package org.rlhfflow.model.ckpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.rlhfflow.model.DecoderConfig;

/**
 * The {@code checkpoint.json} sidecar of a checkpoint directory.
 *
 * @param formatVersion layout version of the directory, {@link #FORMAT_VERSION}
 * @param kind what the weights are: {@code lm}, {@code reward} or {@code value}
 * @param config the trunk's shape, tagged with its family ({@code gpt} when untagged)
 * @param tokenizer the tokenizer's {@code describe()} JSON
 * @param specHash hash of the resolved experiment spec that produced it (free text, may be "")
 * @param step optimizer steps taken so far
 * @param trainingState free-form JSON the trainer needs to resume (RNG positions, schedule, ...)
 * @param extraKeys tensors stored beside the model's, e.g. AdamW moments under {@code optim.}
 * @param spec the resolved experiment spec itself (null in checkpoints written before it was stored)
 */
public record CheckpointMeta(
    int formatVersion,
    String kind,
    DecoderConfig config,
    JsonNode tokenizer,
    String specHash,
    long step,
    JsonNode trainingState,
    List<String> extraKeys,
    JsonNode spec) {
  public static final int FORMAT_VERSION = 1;

  public CheckpointMeta {
    specHash = specHash == null ? "" : specHash;
    trainingState = trainingState == null ? JsonNodeFactory.instance.objectNode() : trainingState;
    extraKeys = extraKeys == null ? List.of() : List.copyOf(extraKeys);
    spec = spec == null || spec.isNull() ? null : spec; // Jackson reads "spec": null as a NullNode
  }

  /** A sidecar for a fresh save; extra keys are filled in by {@link Checkpoint#save}. */
  public static CheckpointMeta of(
      String kind, DecoderConfig config, JsonNode tokenizer, String specHash, long step, JsonNode state) {
    return of(kind, config, tokenizer, SpecStamp.hashOnly(specHash), step, state);
  }

  /** A sidecar that embeds the resolved spec beside its hash. */
  public static CheckpointMeta of(
      String kind, DecoderConfig config, JsonNode tokenizer, SpecStamp spec, long step, JsonNode state) {
    return new CheckpointMeta(
        FORMAT_VERSION, kind, config, tokenizer, spec.sha256(), step, state, List.of(), spec.resolved());
  }

  CheckpointMeta withExtraKeys(List<String> keys) {
    return new CheckpointMeta(
        formatVersion, kind, config, tokenizer, specHash, step, trainingState, keys, spec);
  }
}
