package org.rlhfflow.model.ckpt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The experiment spec a checkpoint came from: its sha256 and the resolved spec itself, so a
 * checkpoint found on its own says how it was made (the sha256 alone names it but cannot be read).
 *
 * @param sha256 sha256 of the canonical resolved-spec JSON (free text, may be "")
 * @param resolved the resolved spec, every default filled in; null when unknown
 */
public record SpecStamp(String sha256, JsonNode resolved) {
  public SpecStamp {
    sha256 = sha256 == null ? "" : sha256;
  }

  /** Only a hash, as checkpoints written before the resolved spec was embedded. */
  public static SpecStamp hashOnly(String sha256) {
    return new SpecStamp(sha256, null);
  }
}
