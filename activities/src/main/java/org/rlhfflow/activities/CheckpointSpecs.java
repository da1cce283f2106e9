package org.rlhfflow.activities;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.rlhfflow.model.ckpt.SpecStamp;
import org.rlhfflow.store.Json;

/** The spec stamp every stage checkpoint carries: the resolved spec and its sha256 (STYLE: "embedded in every checkpoint"). */
public final class CheckpointSpecs {
  private CheckpointSpecs() {}

  public static SpecStamp of(StageContext ctx) {
    try {
      return new SpecStamp(ctx.specSha256(), Json.MAPPER.readTree(ctx.specJson()));
    } catch (JsonProcessingException e) {
      // the workflow resolved and hashed this JSON: unreadable here means a bug, not bad input
      throw new IllegalStateException("resolved spec of " + ctx.experiment() + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
