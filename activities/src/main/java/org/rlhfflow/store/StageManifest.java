package org.rlhfflow.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a completed stage made and from what: the pipeline writes one per stage under its cache
 * key and skips a stage whose manifest already exists.
 *
 * <pre>{@code
 * Optional<StageManifest> done = StageManifest.find(store, key);
 * if (done.isEmpty()) { ...run the stage...; manifest.saveTo(store); }
 * }</pre>
 *
 * @param stage stage name, e.g. {@code sft}
 * @param cacheKey the key the manifest is stored under (a digest of spec, inputs and code)
 * @param specSha256 sha256 of the resolved stage spec
 * @param inputs input name to sha256 of the input artifact
 * @param outputs output name to artifact ref
 * @param metrics final metrics of the stage, slash-namespaced
 * @param codeVersion version (or git commit) of the code that ran the stage
 * @param createdAt ISO-8601 instant, given by the caller (workflow time, not the wall clock)
 * @param specJson the resolved spec in full (its sha256 is {@code specSha256}), for {@code rlhf lineage};
 *     null in manifests written before it was recorded
 * @param seed the spec's seed; null in older manifests
 * @param provenance what ran the stage: {@code git_commit}, {@code djl}, {@code engine},
 *     {@code temporal_sdk}; empty in older manifests
 */
public record StageManifest(
    String stage,
    String cacheKey,
    String specSha256,
    SortedMap<String, String> inputs,
    SortedMap<String, ArtifactRef> outputs,
    SortedMap<String, Double> metrics,
    String codeVersion,
    String createdAt,
    String specJson,
    Long seed,
    SortedMap<String, String> provenance) {

  public StageManifest {
    require(stage, "stage");
    LocalArtifactStore.checkCacheKey(cacheKey);
    require(specSha256, "specSha256");
    require(codeVersion, "codeVersion");
    require(createdAt, "createdAt");
    try {
      Instant.parse(createdAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "createdAt must be an ISO-8601 instant, got: " + createdAt);
    }
    inputs = frozen(inputs);
    outputs = frozen(outputs);
    metrics = frozen(metrics);
    provenance = frozen(provenance);
  }

  /** Convenience constructor taking any maps (they are copied and sorted). */
  public static StageManifest of(
      String stage,
      String cacheKey,
      String specSha256,
      Map<String, String> inputs,
      Map<String, ArtifactRef> outputs,
      Map<String, Double> metrics,
      String codeVersion,
      Instant createdAt) {
    return new StageManifest(
        stage, cacheKey, specSha256, new TreeMap<>(inputs), new TreeMap<>(outputs),
        new TreeMap<>(metrics), codeVersion, createdAt.toString(), null, null, null);
  }

  /** This manifest with the resolved spec, the seed and what ran the stage, for {@code rlhf lineage}. */
  public StageManifest withProvenance(String specJson, long seed, Map<String, String> provenance) {
    return new StageManifest(stage, cacheKey, specSha256, inputs, outputs, metrics, codeVersion, createdAt,
        specJson, seed, new TreeMap<>(provenance));
  }

  /** Stores this manifest under its cache key unless one is there: the first completion wins. */
  public void saveTo(ArtifactStore store) throws IOException {
    store.putManifest(cacheKey, toJson());
  }

  /** The manifest of the stage completed under this cache key, if any. */
  public static Optional<StageManifest> find(ArtifactStore store, String cacheKey)
      throws IOException {
    Optional<String> json = store.getManifest(cacheKey);
    if (json.isEmpty()) {
      return Optional.empty();
    }
    String source = "manifests/" + cacheKey + ".json";
    StageManifest m = fromJson(json.get(), source);
    if (!m.cacheKey().equals(cacheKey)) {
      throw new IOException(source + " is stored under the wrong key: it names " + m.cacheKey());
    }
    return Optional.of(m);
  }

  public String toJson() {
    try {
      return Json.MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a manifest always serialises", e);
    }
  }

  /**
   * Parses a manifest; {@code source} (a cache key or path) names it in the error.
   *
   * @throws IOException naming the source and the bad field
   */
  public static StageManifest fromJson(String json, String source) throws IOException {
    try {
      return Json.MAPPER.readValue(json, StageManifest.class);
    } catch (JsonProcessingException e) {
      throw new IOException("bad stage manifest " + source + ": " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException("bad stage manifest " + source + ": " + e.getMessage(), e);
    }
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("stage manifest field '" + field + "' is missing");
    }
  }

  private static <V> SortedMap<String, V> frozen(Map<String, V> m) {
    return Collections.unmodifiableSortedMap(m == null ? new TreeMap<>() : new TreeMap<>(m));
  }
}
