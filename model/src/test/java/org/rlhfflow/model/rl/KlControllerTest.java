package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KlControllerTest {
  @Test
  void adaptiveControllerFollowsZieglerUpdate() {
    var c = new AdaptiveKlController(0.1, 6, 10_000);
    // KL 9 is 50% over target; the error is clipped to +0.2: beta *= 1 + 0.2*256/10000 = 1.00512
    c.update(9, 256);
    assertEquals(0.1 * 1.00512, c.value(), 1e-15);
    // KL 5.4 -> error 5.4/6 - 1 = -0.1 (inside the clip): beta *= 1 - 0.1*256/10000 = 0.99744
    c.update(5.4, 256);
    assertEquals(0.1 * 1.00512 * 0.99744, c.value(), 1e-15);
    // far below target -> clipped to -0.2: beta *= 1 - 0.2*512/10000 = 0.98976
    c.update(0.0, 512);
    assertEquals(0.1 * 1.00512 * 0.99744 * 0.98976, c.value(), 1e-15);
  }

  @Test
  void restoreResumesExactly() {
    var a = new AdaptiveKlController(0.2, 6, 10_000);
    double[] kls = {7.3, 2.1, 6.6, 11.0, 5.9, 0.4};
    for (int i = 0; i < 3; i++) {
      a.update(kls[i], 64);
    }
    var b = new AdaptiveKlController(0.2, 6, 10_000);
    b.restore(a.value());
    for (int i = 3; i < kls.length; i++) {
      a.update(kls[i], 64);
      b.update(kls[i], 64);
    }
    assertEquals(Double.doubleToRawLongBits(a.value()), Double.doubleToRawLongBits(b.value()));
  }

  @Test
  void fixedControllerNeverMoves() {
    KlController c = new FixedKlController(0.05); // TRL's kl_coef
    c.update(100, 1000);
    assertEquals(0.05, c.value(), 0);
  }
}
