package org.rlhfflow.activities.sft;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param baseModel a checkpoint to start from; null builds the spec's preset or imports its HF
 *     checkpoint
 * @param dataset SFT pairs (Arrow); null uses data.sft_dataset or the task's demonstrations
 */
public record SftInput(StageContext ctx, ArtifactRef baseModel, ArtifactRef dataset) {}
