package org.rlhfflow.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an artifact was made: the manifest of the stage that output it, then the same for each of
 * that stage's inputs, down to artifacts no stage made (a base model, an imported file). Manifests
 * are stored by cache key, so the producer of a digest is found by reading them all once.
 *
 * <pre>{@code
 * Lineage.Node tree = Lineage.of(store).trace("3f2a...");   // or the artifact's URI
 * }</pre>
 */
public final class Lineage {
  /**
   * @param sha256 the artifact's digest
   * @param uri where it is stored; null for an input no manifest lists as an output
   * @param output the producing stage's name for it (e.g. {@code checkpoint}); null for a leaf
   * @param made the manifest of the stage that made it; null when no stored stage made it
   * @param inputs the stage's inputs by name, traced the same way
   */
  public record Node(String sha256, String uri, String output, StageManifest made, Map<String, Node> inputs) {}

  private final Map<String, StageManifest> producerBySha = new LinkedHashMap<>();
  private final Map<String, ArtifactRef> refBySha = new LinkedHashMap<>();

  private Lineage(List<StageManifest> manifests) {
    // the earliest completion wins when two stages wrote identical bytes
    manifests.stream().sorted(Comparator.comparing(StageManifest::createdAt).thenComparing(StageManifest::cacheKey))
        .forEach(m -> m.outputs().forEach((name, ref) -> {
          producerBySha.putIfAbsent(ref.sha256(), m);
          refBySha.putIfAbsent(ref.sha256(), ref);
        }));
  }

  /** Reads every manifest of {@code store}; a bad one fails naming its key. */
  public static Lineage of(ArtifactStore store) throws IOException {
    List<StageManifest> all = new ArrayList<>();
    for (String key : store.manifestKeys()) {
      if (key.startsWith("human-rankings-")) {
        continue; // a labelling batch's pointer to its rankings (RankingStoreActivitiesImpl), not a stage
      }
      Optional<String> json = store.getManifest(key);
      if (json.isPresent()) {
        all.add(StageManifest.fromJson(json.get(), "manifests/" + key + ".json"));
      }
    }
    return new Lineage(all);
  }

  /**
   * The tree of {@code ref}: a sha256 or an artifact URI.
   *
   * @throws IllegalArgumentException when no stored stage output has that digest or URI
   */
  public Node trace(String ref) {
    String sha = ref.matches("[0-9a-f]{64}") ? ref : refBySha.values().stream()
        .filter(r -> r.uri().equals(ref)).map(ArtifactRef::sha256).findFirst().orElse(null);
    if (sha == null || !producerBySha.containsKey(sha)) {
      throw new IllegalArgumentException("no stage in this store output " + ref
          + " (give an artifact's sha256 or URI, as in summary.json or a stage's outputs)");
    }
    return node(sha, new ArrayList<>());
  }

  private Node node(String sha, List<String> path) {
    StageManifest m = producerBySha.get(sha);
    ArtifactRef ref = refBySha.get(sha);
    if (m == null || path.contains(sha)) { // a leaf; a cycle cannot happen with content addressing
      return new Node(sha, ref == null ? null : ref.uri(), null, null, Map.of());
    }
    path.add(sha);
    String output = m.outputs().entrySet().stream().filter(e -> e.getValue().sha256().equals(sha))
        .map(Map.Entry::getKey).findFirst().orElse(null);
    Map<String, Node> inputs = new LinkedHashMap<>();
    m.inputs().forEach((name, digest) -> {
      // SFT records the task's generated data as its input and stores it as its output too: a leaf
      boolean own = m.outputs().values().stream().anyMatch(r -> r.sha256().equals(digest));
      inputs.put(name, own ? new Node(digest, refBySha.get(digest).uri(), null, null, Map.of()) : node(digest, path));
    });
    path.remove(path.size() - 1);
    return new Node(sha, ref.uri(), output, m, inputs);
  }
}
