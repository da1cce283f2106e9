package org.rlhfflow.store;

import java.io.IOException;
import org.rlhfflow.config.RlhfConfig;

/** Picks the artifact store the configuration asks for. */
public final class ArtifactStores {

  private ArtifactStores() {}

  /** MinIO if {@code RLHF_S3_ENDPOINT} is set, else the directory {@code $RLHF_HOME/artifacts}. */
  public static ArtifactStore fromConfig(RlhfConfig config) throws IOException {
    if (config.s3Endpoint() != null) {
      return new MinioArtifactStore(
          config.s3Endpoint(), config.s3AccessKey(), config.s3SecretKey(), config.bucket());
    }
    return new LocalArtifactStore(config.home().resolve("artifacts"));
  }
}
