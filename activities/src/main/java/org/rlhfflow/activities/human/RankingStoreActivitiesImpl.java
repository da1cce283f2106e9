package org.rlhfflow.activities.human;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackState;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.FeedbackRecords.StoredRankings;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.ArtifactStore;
import org.rlhfflow.store.Json;

/**
 * Rankings files are content-addressed blobs; two kinds of manifest point at them: {@code
 * human-rankings-<key>-<n>} after each save n (progress; the highest n is the latest) and {@code
 * human-rankings-<key>-done} once the batch finished. Manifests are put-if-absent, so a retried
 * activity writes the same thing again and nothing is overwritten. Storage errors are retried by
 * Temporal like any infrastructure error.
 */
public final class RankingStoreActivitiesImpl implements RankingStoreActivities {
  private static final TypeReference<List<Ranking>> RANKINGS = new TypeReference<>() {};

  private final ArtifactStore store;
  private final Path scratch;

  public RankingStoreActivitiesImpl(ArtifactStore store, Path scratch) {
    this.store = store;
    this.scratch = scratch;
  }

  static String progressKey(String key, int n) {
    return "human-rankings-" + key + "-" + n;
  }

  static String doneKey(String key) {
    return "human-rankings-" + key + "-done";
  }

  @Override
  public StoredRankings save(SaveInput in) {
    try {
      List<Ranking> all = in.previous() == null ? new ArrayList<>() : read(store, scratch, in.previous().rankings());
      all.addAll(in.added());
      Path dir = Files.createDirectories(scratch.resolve("rankings"));
      Path file = Files.createTempFile(dir, "rankings-", ".json");
      Json.MAPPER.writeValue(file.toFile(), all);
      ArtifactRef ref = store.put(file);
      Files.deleteIfExists(file);
      int n = in.previous() == null ? 0 : in.previous().saves();
      StoredRankings saved = new StoredRankings(ref, all.size(), n + 1);
      store.putManifest(progressKey(in.key(), n), Json.MAPPER.writeValueAsString(saved));
      return saved;
    } catch (IOException e) {
      throw new UncheckedIOException("saving the rankings of " + in.key(), e);
    }
  }

  @Override
  public void recordLabelled(LabelledInput in) {
    try {
      store.putManifest(doneKey(in.key()), Json.MAPPER.writeValueAsString(in.result()));
    } catch (IOException e) {
      throw new UncheckedIOException("recording the finished batch " + in.key(), e);
    }
  }

  @Override
  public Found find(FindInput in) {
    try {
      Optional<String> done = store.getManifest(doneKey(in.key()));
      if (done.isPresent()) {
        return new Found(Json.MAPPER.readValue(done.get(), FeedbackResult.class), null);
      }
      StoredRankings latest = null;
      for (int n = 0; ; n++) {
        Optional<String> p = store.getManifest(progressKey(in.key(), n));
        if (p.isEmpty()) {
          break;
        }
        latest = Json.MAPPER.readValue(p.get(), StoredRankings.class);
      }
      return new Found(null, latest == null ? null : state(latest, in));
    } catch (IOException e) {
      throw new UncheckedIOException("looking up the rankings of " + in.key(), e);
    }
  }

  /** The state a new batch starts from: who ranked what so far; a fresh deadline (0). */
  private FeedbackState state(StoredRankings stored, FindInput in) throws IOException {
    List<String> ids = LabelItems.itemIds(in.firstItem(), in.itemCount());
    Map<String, Set<String>> rankedBy = new LinkedHashMap<>();
    ids.forEach(id -> rankedBy.put(id, new LinkedHashSet<>()));
    Set<String> annotators = new LinkedHashSet<>();
    Map<String, Long> lastActive = new LinkedHashMap<>();
    for (Ranking r : read(store, scratch, stored.rankings())) {
      rankedBy.get(r.item()).add(r.annotator());
      annotators.add(r.annotator());
      lastActive.put(r.annotator(), r.timeMillis());
    }
    return new FeedbackState(0, List.copyOf(annotators), null, 0, stored, RankedSets.encode(ids, rankedBy),
        lastActive);
  }

  /** A stored rankings file, verified on the way. */
  public static List<Ranking> read(ArtifactStore store, Path scratch, ArtifactRef ref) throws IOException {
    Path file = Files.createDirectories(scratch.resolve("rankings")).resolve(ref.sha256() + ".json");
    if (!Files.exists(file)) { // fetched whole and verified, then moved in: never a partial file under this name
      Path part = Files.createTempFile(file.getParent(), "rankings-", ".part");
      store.get(ref, part);
      Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return new ArrayList<>(Json.MAPPER.readValue(file.toFile(), RANKINGS));
  }
}
