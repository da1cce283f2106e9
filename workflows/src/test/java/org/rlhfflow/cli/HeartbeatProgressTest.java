package org.rlhfflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.StageRun;

/** Heartbeats carry the stage's step count now; ones recorded before it still read, with total 0. */
class HeartbeatProgressTest {
  record OldProgress(long step, Object checkpoint) {}

  @Test
  void aHeartbeatWithoutTotalReadsAsUnknownTotal() {
    var converter = DefaultDataConverter.STANDARD_INSTANCE;
    var payload = converter.toPayload(new OldProgress(7, null)).orElseThrow();
    assertEquals(new StageRun.Progress(7, null, 0), converter.fromPayload(payload, StageRun.Progress.class, StageRun.Progress.class));
    var now = converter.toPayload(new StageRun.Progress(7, null, 40)).orElseThrow();
    assertEquals(40, converter.fromPayload(now, StageRun.Progress.class, StageRun.Progress.class).total());
  }
}
