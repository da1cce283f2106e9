package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rlhfflow.model.bench.MemoryBench;

class MemoryBenchTest {
  @Test
  void reportsTheParameterCountAndPeaksThatCoverTheWeights() throws Exception {
    LlamaConfig cfg = LlamaConfig.NANO.withVocabSize(4096); // ~0.6M params: 2.4 MB of fp32 weights
    MemoryBench.Result r = MemoryBench.run("nano", cfg, 2, 16, line -> {});
    assertEquals(cfg.numParams(), r.params());
    assertTrue(r.peakRssLoad() >= r.rssBefore(), r.toString());
    // the step holds the weights and their gradients at once
    assertTrue(r.peakRssStep() > 0 && r.peakRssLoad() > 4 * cfg.numParams(), r.toString());
  }
}
