package org.rlhfflow.activities;

import java.io.IOException;
import java.nio.file.Path;
import org.rlhfflow.config.RlhfConfig;
import org.rlhfflow.store.ArtifactStore;
import org.rlhfflow.store.ArtifactStores;
import org.rlhfflow.tracking.Tracker;
import org.rlhfflow.tracking.Trackers;

/**
 * What a worker's activities share: the artifact store, the tracker and a scratch directory.
 *
 * @param scratch local working space; stages use {@code scratch/<cacheKey>/...}
 */
public record StageServices(ArtifactStore store, Tracker tracker, Path scratch) implements AutoCloseable {

  public static StageServices fromConfig(RlhfConfig config) throws IOException {
    return new StageServices(
        ArtifactStores.fromConfig(config), Trackers.fromConfig(config), config.home().resolve("scratch"));
  }

  @Override
  public void close() throws Exception {
    tracker.close();
    store.close();
  }
}
