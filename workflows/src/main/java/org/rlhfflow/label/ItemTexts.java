package org.rlhfflow.label;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rlhfflow.activities.human.LabelItems;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.ArtifactStore;

/**
 * The texts of a batch, read from the artifact store by the ref the workflow holds. Blobs are
 * immutable and addressed by digest, so caching them keeps the app stateless: a restart only
 * fetches them again.
 */
final class ItemTexts {
  private final ArtifactStore store;
  private final Path scratch;
  private final Map<String, LabelItems> cache = new ConcurrentHashMap<>();

  ItemTexts(ArtifactStore store) {
    this.store = store;
    try {
      this.scratch = Files.createTempDirectory("rlhf-label-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  LabelItems of(ArtifactRef ref) {
    return cache.computeIfAbsent(ref.sha256(), sha -> {
      try {
        Path file = scratch.resolve(sha + ".json");
        if (!Files.exists(file)) {
          store.get(ref, file);
        }
        return LabelItems.read(file);
      } catch (IOException e) {
        throw new UncheckedIOException("reading items " + ref.uri(), e);
      }
    });
  }
}
