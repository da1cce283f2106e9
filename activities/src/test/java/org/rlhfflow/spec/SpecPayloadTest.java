package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Specs travel in workflow and activity payloads: Temporal's default converter must round-trip them. */
class SpecPayloadTest {

  @Test
  void specRoundTripsThroughTemporalsDataConverter() {
    ExperimentSpec spec =
        SpecLoader.parse("name: x\nppo:\n  missing_eos_penalty: 1.0\n  kl_estimator: k3\nmodel:\n  preset: nano\n", "t.yaml");
    DataConverter converter = DefaultDataConverter.newDefaultInstance();
    Optional<Payload> payload = converter.toPayload(spec);
    ExperimentSpec back = converter.fromPayload(payload.orElseThrow(), ExperimentSpec.class, ExperimentSpec.class);
    assertEquals(spec, back);
    assertEquals(spec.sha256(), back.sha256());
  }
}
