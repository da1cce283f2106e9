package org.rlhfflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.config.RlhfConfig;

class ArtifactStoresTest {

  @TempDir Path home;

  @Test
  void localUnlessAnEndpointIsSet() throws Exception {
    RlhfConfig local = RlhfConfig.fromEnv(Map.of("RLHF_HOME", home.toString()));
    try (ArtifactStore s = ArtifactStores.fromConfig(local)) {
      LocalArtifactStore l = assertInstanceOf(LocalArtifactStore.class, s);
      assertEquals(home.resolve("artifacts").toAbsolutePath(), l.root());
    }
    RlhfConfig s3 = RlhfConfig.fromEnv(Map.of("RLHF_S3_ENDPOINT", "http://127.0.0.1:1", "RLHF_BUCKET", "b1"));
    try (ArtifactStore s = ArtifactStores.fromConfig(s3)) { // no I/O until first use
      assertEquals("b1", assertInstanceOf(MinioArtifactStore.class, s).bucket());
    }
  }
}
