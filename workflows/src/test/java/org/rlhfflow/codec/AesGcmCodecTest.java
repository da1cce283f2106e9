package org.rlhfflow.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.workflows.human.FeedbackClient;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflow;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflowImpl;

class AesGcmCodecTest {
  static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B');
  static final Map<String, String> ENV = Map.of(PayloadKeys.ENV_KEY, KEY);
  static final String SECRET = "annotator-with-a-secret-name";

  static Payload plain(String text) {
    return Payload.newBuilder().putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(text)).build();
  }

  @Test
  void encryptsWithTheKeyIdInMetadataAndRoundTrips() {
    AesGcmCodec codec = new AesGcmCodec(PayloadKeys.fromEnv(ENV));
    Payload sealed = codec.encode(List.of(plain(SECRET))).get(0);
    assertFalse(sealed.toByteString().toStringUtf8().contains(SECRET));
    assertEquals(PayloadKeys.fromEnv(ENV).currentId(), sealed.getMetadataOrThrow(AesGcmCodec.KEY_ID).toStringUtf8());
    assertEquals(plain(SECRET), codec.decode(List.of(sealed)).get(0));
    assertEquals(plain("x"), codec.decode(List.of(plain("x"))).get(0), "plain payloads pass through");
    PayloadCodecException e = assertThrows(PayloadCodecException.class,
        () -> new AesGcmCodec(PayloadKeys.fromEnv(Map.of())).decode(List.of(sealed)));
    assertTrue(e.getMessage().contains("set RLHF_PAYLOAD_KEY"), e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PayloadKeys.fromEnv(Map.of(PayloadKeys.ENV_KEY, "c2hvcnQ="))).getMessage().contains("32 bytes"));
  }

  @Test
  void historyHoldsNoPlaintextRankingAndAKeylessWorkerFailsClearly() throws Exception {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(AesGcmCodec.dataConverter(ENV)).build()).build());
    try (env) {
      env.newWorker("enc").registerWorkflowImplementationTypes(HumanFeedbackWorkflowImpl.class);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      FeedbackInput in = new FeedbackInput("enc-b", new ArtifactRef("file:///x", "0".repeat(64), 0),
          List.of("p00000"), 2, 1, List.of(SECRET), 60, 1, 1000, null);
      WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue("enc").setWorkflowId("enc-b").build())::run, in);
      FeedbackClient fc = new FeedbackClient(client, PayloadKeys.fromEnv(ENV));
      while (fc.status("enc-b") == null) {
        Thread.sleep(20);
      }
      fc.rank("enc-b", new RankRequest(SECRET, "p00000", List.of(2, 1), ""));
      FeedbackResult r = client.newUntypedWorkflowStub("enc-b").getResult(FeedbackResult.class);
      assertEquals(SECRET, r.rankings().get(0).annotator(), "who holds the key reads it back");
      String raw = client.fetchHistory("enc-b").getHistory().toByteString().toStringUtf8();
      assertFalse(raw.contains(SECRET), "no annotator id in the stored history");
      assertFalse(raw.contains("p00000"), "no item id either (update ids are HMACs)");
      assertTrue(raw.contains(AesGcmCodec.ENCODING));

      // A worker without the key picks up the next workflow task and fails it, saying why.
      WorkflowClient keyless = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
          WorkflowClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace())
              .setDataConverter(AesGcmCodec.dataConverter(Map.of())).build());
      WorkerFactory factory = WorkerFactory.newInstance(keyless);
      factory.newWorker("nokey").registerWorkflowImplementationTypes(HumanFeedbackWorkflowImpl.class);
      factory.start();
      WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue("nokey").setWorkflowId("enc-c").build())::run, in);
      String failure = null;
      for (int i = 0; i < 200 && failure == null; i++) {
        Thread.sleep(50);
        for (HistoryEvent e : client.fetchHistory("enc-c").getHistory().getEventsList()) {
          if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
            failure = e.getWorkflowTaskFailedEventAttributes().getFailure().toString();
          }
        }
      }
      factory.shutdownNow();
      assertTrue(failure != null && failure.contains("set RLHF_PAYLOAD_KEY"), String.valueOf(failure));
    }
  }

  @Test
  void theCodecServerDecodesForTheTemporalUi() throws Exception {
    PayloadKeys keys = PayloadKeys.fromEnv(ENV);
    Payload sealed = new AesGcmCodec(keys).encode(List.of(plain(SECRET))).get(0);
    try (CodecServer server = CodecServer.start(keys, "http://localhost:8233", 0)) {
      String body = JsonFormat.printer().print(Payloads.newBuilder().addPayloads(sealed));
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/decode")).header("Content-Type", "application/json")
          .header("Origin", "http://localhost:8233")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      Payloads.Builder out = Payloads.newBuilder();
      JsonFormat.parser().merge(r.body(), out);
      assertEquals(SECRET, out.getPayloads(0).getData().toString(StandardCharsets.UTF_8));
      assertEquals("http://localhost:8233", r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }
  }
}
