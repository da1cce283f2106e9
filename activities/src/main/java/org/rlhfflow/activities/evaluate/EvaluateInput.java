package org.rlhfflow.activities.evaluate;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param sftModel the reference policy; the tuned policy's KL is measured against it
 * @param ppoModel the tuned policy (the method's output)
 * @param ppoCurve the method's reward-over-iterations curve, for the plot; null skips the plot
 */
public record EvaluateInput(
    StageContext ctx,
    ArtifactRef sftModel,
    ArtifactRef ppoModel,
    ArtifactRef rewardModel,
    ArtifactRef ppoCurve) {}
