package org.rlhfflow.activities;

import ai.djl.engine.Engine;
import java.util.LinkedHashMap;
import java.util.Map;

/** What ran a stage, recorded in its manifest so {@code rlhf lineage} can say how an artifact was made. */
public final class Provenance {
  private Provenance() {}

  /** The launcher passes the checkout's commit as {@code -Drlhf.git.commit} (see ./rlhf). */
  public static Map<String, String> current() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("git_commit", System.getProperty("rlhf.git.commit", "unknown"));
    p.put("djl", Engine.getDjlVersion());
    Engine engine = Engine.getInstance();
    p.put("engine", engine.getEngineName() + " " + engine.getVersion());
    p.put("temporal_sdk", io.temporal.serviceclient.Version.LIBRARY_VERSION);
    return p;
  }
}
