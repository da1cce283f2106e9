package org.rlhfflow.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.activities.human.LabelItems;
import org.rlhfflow.activities.human.LabelItems.Item;
import org.rlhfflow.activities.human.LabelItems.Response;
import org.rlhfflow.activities.human.RankingStoreActivitiesImpl;
import org.rlhfflow.label.LabelServer;
import org.rlhfflow.label.SimulatedAnnotators;
import org.rlhfflow.label.SimulatedAnnotators.Submission;
import org.rlhfflow.label.Tokens;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.MinioArtifactStore;
import org.rlhfflow.tasks.Task;
import org.rlhfflow.workflows.human.HumanCollectStage;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflow;

/**
 * Mid-labelling, the Temporal server is killed with SIGKILL and started again on the same port and
 * db file, while a worker process, the web app and three simulated annotators keep going against it.
 * Not one ranking the app accepted (HTTP 200) is lost, and the batch completes. The server is this
 * test's own {@link DevServer}: the shared stack's must not be restarted under the other tests.
 */
@Tag("integration")
class HumanFeedbackServerRestartIntegrationTest {
  static final int ITEMS = 40;
  static final int QUORUM = 2;
  /** Small, so the batch continues as new several times, across the restart too. */
  static final int RANKINGS_PER_RUN = 16;

  @TempDir Path tmp;

  static LabelItems items() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.add(new Item(LabelItems.itemId(i), i + "+1=", new int[] {i}, List.of(
          new Response(String.valueOf(i + 1), new int[] {1}), new Response(String.valueOf(i + 2), new int[] {2}))));
    }
    return new LabelItems(2, items);
  }

  @Test
  void noAcceptedRankingIsLostWhenTheTemporalServerIsKilledAndRestarted() throws Exception {
    try (DurabilityStack stack = new DurabilityStack(); MinioArtifactStore store = stack.store();
        DevServer server = DevServer.start(tmp.resolve("temporal"))) {
      String queue = DurabilityStack.unique("it-restart");
      String pipeline = DurabilityStack.unique("it-restart-pipe");
      String batch = HumanCollectStage.batchId(pipeline, 0);
      Path file = tmp.resolve("items.json");
      items().write(file);
      ArtifactRef ref = store.put(file);
      WorkflowClient client = server.client();
      try (WorkerProcess worker = WorkerProcess.start(tmp.resolve("worker"), queue,
          Map.of("RLHF_TEMPORAL_ADDRESS", server.address(), "RLHF_NAMESPACE", "default"))) {
        WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(queue).setWorkflowId(batch).build())::run,
            new FeedbackInput(batch, ref, null, 2, QUORUM, List.of(), 3600, 1, RANKINGS_PER_RUN, null,
                DurabilityStack.unique("it-restart-key"), 0, ITEMS));
        Tokens tokens = new Tokens();
        String probe = tokens.add("probe", pipeline + "-*");
        List<Submission> beforeKill;
        FeedbackResult result;
        try (LabelServer app = LabelServer.start(client, store, tokens, List.of(pipeline), "", 0);
            SimulatedAnnotators sims = SimulatedAnnotators.start("http://localhost:" + app.port(), tokens,
                Task.named("digits"), 3, 7)) {
          // The probe registers as people do, on its first visit to the batch: a ranking from an
          // unregistered annotator is refused (400), which is not what this test is about.
          HttpResponse<String> visit = next(app.port(), batch, probe);
          assertEquals(200, visit.statusCode(), "the probe's first visit: " + visit.body());
          awaitAccepted(sims, ITEMS * QUORUM / 3);
          server.kill(); // SIGKILL mid-labelling: the annotators keep submitting and get 503s
          beforeKill = sims.accepted();
          // A submission during the outage (the last item: items fill up in order, so it is still open):
          // either the client's retries carry it through the restart (200) or the app says 503, never a
          // verdict on the ranking such as "closed".
          CompletableFuture<HttpResponse<String>> during = CompletableFuture.supplyAsync(
              () -> post(app.port(), batch, probe, LabelItems.itemId(ITEMS - 1)));
          Thread.sleep(3_000);
          server.start(); // same port, same db file
          HttpResponse<String> duringOutage = during.get(5, TimeUnit.MINUTES);
          assertTrue(duringOutage.statusCode() == 200
              || duringOutage.statusCode() == 503 && duringOutage.body().contains("nothing was recorded"),
              "a submission while Temporal is down: " + duringOutage.statusCode() + " " + duringOutage.body());
          if (duringOutage.statusCode() == 200) {
            beforeKill = new ArrayList<>(beforeKill);
            beforeKill.add(new Submission(batch, "probe", LabelItems.itemId(ITEMS - 1), List.of(1, 2)));
          }
          System.out.println("DURABILITY temporal-restart: a ranking sent during the outage got "
              + duringOutage.statusCode());
          result = client.newUntypedWorkflowStub(batch).getResult(10, TimeUnit.MINUTES, FeedbackResult.class);
          System.out.printf("DURABILITY temporal-restart: %d rankings accepted before the kill, %d in all%n",
              beforeKill.size(), sims.accepted().size());
        }
        // The batch's rankings are in the artifact store, saved by SaveRankings across the restart too.
        List<Ranking> rankings = RankingStoreActivitiesImpl.read(store, tmp.resolve("read"), result.stored().rankings());
        Set<String> recorded = new HashSet<>();
        for (Ranking r : rankings) {
          recorded.add(key(batch, r.annotator(), r.item(), r.ranks()));
        }
        for (Submission s : beforeKill) {
          assertTrue(recorded.contains(key(s.batch(), s.annotator(), s.item(), s.ranks())),
              "accepted before the kill but missing from the batch's rankings: " + s);
        }
        assertTrue(beforeKill.size() > 0, "nothing was accepted before the kill");
        assertEquals(ITEMS, result.itemsDone(), "every item reached quorum");
        assertEquals(ITEMS * QUORUM, rankings.size());
      }
    }
  }

  /** One ranking through the HTTP API as the page sends it, logged in as {@code token}'s annotator. */
  private static HttpResponse<String> next(int port, String batch, String token) {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/batch/" + batch + "/next"))
        .header("Cookie", "rlhf_token=" + token).GET().build();
    try {
      return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> post(int port, String batch, String token, String item) {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/batch/" + batch + "/rank"))
        .header("Cookie", "rlhf_token=" + token).header("X-CSRF-Token", Tokens.csrf(token))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"" + item + "\",\"ranks\":[1,2]}")).build();
    try {
      return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitAccepted(SimulatedAnnotators sims, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (sims.accepted().size() < n) {
      assertTrue(System.nanoTime() < deadline, "only " + sims.accepted().size() + " rankings in 5 minutes");
      Thread.sleep(100);
    }
  }

  private static String key(String batch, String annotator, String item, List<Integer> ranks) {
    return batch + "|" + annotator + "|" + item + "|" + ranks;
  }
}
