package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.LabelItems;
import org.rlhfflow.activities.human.LabelItems.Item;
import org.rlhfflow.activities.human.LabelItems.Response;
import org.rlhfflow.label.LabelServer;
import org.rlhfflow.label.Tokens;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.workflows.human.HumanCollectStage;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflow;

/**
 * Mid-labelling on the real stack: the worker is killed with SIGKILL and the web app restarted, and
 * not one submitted ranking is lost. (Restarting the Temporal server itself is left out: the stack
 * is shared by every test running on this machine.)
 */
@Tag("integration")
class HumanFeedbackDurabilityIntegrationTest {
  static final int ITEMS = 12;

  @TempDir Path tmp;

  static LabelItems items() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.add(new Item(LabelItems.itemId(i), i + "=", new int[] {i}, List.of(
          new Response("a" + i, new int[] {1}), new Response("b" + i, new int[] {2}))));
    }
    return new LabelItems(2, items);
  }

  @Test
  void noRankingIsLostWhenTheWorkerIsKilledAndTheAppRestarts() throws Exception {
    try (DurabilityStack stack = new DurabilityStack();
        StageServices services = StageServices.fromConfig(stack.env)) {
      String queue = DurabilityStack.unique("it-human");
      String pipeline = DurabilityStack.unique("it-human-pipe");
      String batch = HumanCollectStage.batchId(pipeline, 0);
      Path file = tmp.resolve("items.json");
      items().write(file);
      ArtifactRef ref = services.store().put(file);
      List<String> ids = items().items().stream().map(Item::id).toList();
      Tokens tokens = new Tokens();
      String token = tokens.add("alice", pipeline + "-*");

      WorkerProcess worker = WorkerProcess.start(tmp.resolve("w1"), queue, Map.of());
      WorkflowClient.start(stack.client.newWorkflowStub(HumanFeedbackWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(queue).setWorkflowId(batch).build())::run,
          new FeedbackInput(batch, ref, ids, 2, 1, List.of(), 1800, 1, 1000, null));
      List<String> submitted = new ArrayList<>();
      LabelServer app = LabelServer.start(stack.client, services.store(), tokens, List.of(pipeline), "", 0);
      for (int i = 0; i < ITEMS / 3; i++) {
        submitted.add(rank(app.port(), batch, token, ids.get(i), i));
      }
      worker.kill(); // SIGKILL: no goodbye to the server
      app.close(); // and the app goes away too
      worker = WorkerProcess.start(tmp.resolve("w2"), queue, Map.of());
      app = LabelServer.start(stack.client, services.store(), tokens, List.of(pipeline), "", 0);
      for (int i = ITEMS / 3; i < ITEMS; i++) {
        submitted.add(rank(app.port(), batch, token, ids.get(i), i));
      }
      FeedbackResult r = stack.client.newUntypedWorkflowStub(batch).getResult(FeedbackResult.class);
      app.close();
      worker.close();
      assertEquals(submitted, r.rankings().stream().map(x -> x.item() + ":" + x.ranks().stream()
          .map(String::valueOf).collect(Collectors.joining(","))).toList());
    }
  }

  /** Submits through the HTTP API as the page does; returns "item:ranks". */
  private static String rank(int port, String batch, String token, String item, int i) throws Exception {
    String ranks = i % 2 == 0 ? "1,2" : "2,1";
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/batch/" + batch + "/rank"))
        .header("Cookie", "rlhf_token=" + token)
        .header("X-CSRF-Token", Tokens.csrf(token)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"" + item + "\",\"ranks\":[" + ranks + "]}")).build();
    HttpResponse<String> res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    // Right after the restart the new worker may not answer yet: 503, and the person tries again.
    for (int attempt = 0; res.statusCode() == 503 && attempt < 60; attempt++) {
      Thread.sleep(1000);
      res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }
    assertEquals(200, res.statusCode(), res.body());
    return item + ":" + ranks;
  }
}
