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
    assertEquals(cfg.numParams(), r.trainableParams());
  }

  @Test
  void withLoraOnlyTheAdaptersAreTrainable() throws Exception {
    LlamaConfig cfg = LlamaConfig.NANO.withVocabSize(4096);
    var lora = new org.rlhfflow.model.lora.LoraConfig(4, 8, java.util.List.of("q_proj", "v_proj"));
    MemoryBench.Result r = MemoryBench.run("nano", cfg, 2, 16, lora, line -> {});
    long h = cfg.hiddenSize();
    long perLayer = 4L * (h + (long) cfg.nHead() * cfg.headDim()) + 4L * (h + (long) cfg.nKvHead() * cfg.headDim());
    assertEquals(cfg.nLayer() * perLayer, r.trainableParams(), r.toString()); // A (r, in) + B (out, r) per target
  }
}
