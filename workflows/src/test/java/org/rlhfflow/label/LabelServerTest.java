package org.rlhfflow.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.LabelItems;
import org.rlhfflow.activities.human.LabelItems.Item;
import org.rlhfflow.activities.human.LabelItems.Response;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.workflows.human.FeedbackClient;
import org.rlhfflow.workflows.human.HumanCollectStage;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflow;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflowImpl;

/** The app over HTTP against the Temporal test server: auth, escaping and every bad submission. */
class LabelServerTest {
  static final String PIPELINE = "pipe";
  static final String BATCH = HumanCollectStage.batchId(PIPELINE, 0);
  static final String XSS = "<script>alert('x')</script>";

  @TempDir Path dir;
  TestWorkflowEnvironment env;
  LabelServer server;
  Tokens tokens = new Tokens();
  String alice;
  String bob;
  String outsider;
  HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** Two items of K = 3; the first response of the first item is an XSS attempt. */
  static LabelItems items() {
    return new LabelItems(3, List.of(
        new Item("p00000", "12=", new int[] {1}, List.of(new Response(XSS, new int[] {2}),
            new Response("3456", new int[] {3}), new Response("34567890", new int[] {4}))),
        new Item("p00001", "7=", new int[] {1}, List.of(new Response("8", new int[] {2}),
            new Response("89", new int[] {3}), new Response("890", new int[] {4})))));
  }

  @BeforeEach
  void start() throws Exception {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("q");
    worker.registerWorkflowImplementationTypes(HumanFeedbackWorkflowImpl.class);
    env.start();
    LocalArtifactStore store = new LocalArtifactStore(dir.resolve("store"));
    Path file = dir.resolve("items.json");
    items().write(file);
    ArtifactRef ref = store.put(file);
    WorkflowClient client = env.getWorkflowClient();
    WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue("q").setWorkflowId(BATCH).build())::run,
        new FeedbackInput(BATCH, ref, List.of("p00000", "p00001"), 3, 2, List.of(), 3600, 1, 1000, null));
    alice = tokens.add("alice", "pipe-*");
    bob = tokens.add("bob", "*");
    outsider = tokens.add("carol", "other-*");
    server = LabelServer.start(client, store, tokens, List.of(PIPELINE), "# Rules\n\n<b>bold</b> text", 0);
    for (int i = 0; i < 100 && new FeedbackClient(client).status(BATCH) == null; i++) {
      Thread.sleep(20);
    }
  }

  @AfterEach
  void stop() {
    server.close();
    env.close();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path));
    if (token != null) {
      b.header("Cookie", LabelServer.COOKIE + "=" + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> rank(String token, String csrf, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
        "http://localhost:" + server.port() + "/api/batch/" + BATCH + "/rank"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    b.header("Cookie", LabelServer.COOKIE + "=" + token);
    if (csrf != null) {
      b.header("X-CSRF-Token", csrf);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int recorded() {
    FeedbackStatus s = new FeedbackClient(env.getWorkflowClient()).status(BATCH);
    return s.rankings();
  }

  @Test
  void withoutAValidTokenThereIsNoData() throws Exception {
    HttpResponse<String> none = get("/batch/" + BATCH, null);
    assertEquals(401, none.statusCode());
    assertFalse(none.body().contains("12="), "a 401 shows no item");
    assertEquals(401, get("/api/batches", "not-a-token").statusCode());
    assertEquals(401, get("/login?token=wrong", null).statusCode());
    HttpResponse<String> other = get("/batch/" + BATCH, outsider);
    assertEquals(403, other.statusCode());
    assertTrue(other.body().contains("carol may not label batch " + BATCH), other.body());
  }

  @Test
  void aLoginLinkSetsAnHttpOnlyCookieAndForgetsTheToken() throws Exception {
    HttpResponse<String> r = get("/login?token=" + alice, null);
    assertEquals(303, r.statusCode());
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    assertEquals("/", r.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void modelOutputIsEscapedAndGuidelinesRawHtmlToo() throws Exception {
    HttpResponse<String> page = get("/batch/" + BATCH, alice);
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains(XSS), "a response's <script> must not reach the page as markup");
    assertTrue(page.body().contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), page.body());
    assertTrue(page.body().contains("<h1>Rules</h1>"));
    assertTrue(page.body().contains("&lt;b&gt;bold&lt;/b&gt;"), "raw HTML in the guidelines is escaped");
    assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no CDN: every asset is ours");
    assertEquals(200, get("/assets/label.js", null).statusCode());
  }

  @Test
  void badSubmissionsGetA4xxNamingTheProblemAndRecordNothing() throws Exception {
    String csrf = Tokens.csrf(alice);
    get("/batch/" + BATCH, alice); // registers alice for the batch
    assertProblem(rank(alice, null, "{\"item\":\"p00000\",\"ranks\":[1,2,3]}"), 403, "csrf");
    assertProblem(rank(alice, "0".repeat(32), "{\"item\":\"p00000\",\"ranks\":[1,2,3]}"), 403, "csrf");
    assertProblem(rank(alice, csrf, "{\"item\": \"p00000\", \"ranks\": [1, 2,"), 400, "body: not JSON");
    assertProblem(rank(alice, csrf, "[1,2,3]"), 400, "body: expected");
    assertProblem(rank(alice, csrf, "{\"item\":\"p00000\",\"ranks\":[1,\"a\",3]}"), 400, "ranks:");
    assertProblem(rank(alice, csrf, "{\"item\":\"p00000\",\"ranks\":[1,2,3,4]}"), 400, "K = 3");
    assertProblem(rank(alice, csrf, "{\"item\":\"p09999\",\"ranks\":[1,2,3]}"), 400, "no item p09999");
    assertProblem(rank(alice, csrf, "{\"item\":\"p00000\",\"ranks\":[1,2,3],\"pad\":\"" + "x".repeat(10 << 20)
        + "\"}"), 413, "over the 65536-byte limit");
    assertEquals(0, recorded());

    assertEquals(200, rank(alice, csrf, "{\"item\":\"p00000\",\"ranks\":[3,1,2],\"flag\":\"unsure\"}").statusCode());
    assertProblem(rank(alice, csrf, "{\"item\":\"p00000\",\"ranks\":[3,1,2]}"), 409, "already ranked by alice");
    assertEquals(1, recorded());

    // the batch closes when both items have their two annotators
    String bobCsrf = Tokens.csrf(bob);
    get("/batch/" + BATCH, bob);
    assertEquals(200, rank(bob, bobCsrf, "{\"item\":\"p00000\",\"ranks\":[3,2,1]}").statusCode());
    assertEquals(200, rank(bob, bobCsrf, "{\"item\":\"p00001\",\"ranks\":[1,1,3]}").statusCode());
    assertEquals(200, rank(alice, csrf, "{\"item\":\"p00001\",\"ranks\":[1,2,3]}").statusCode());
    for (int i = 0; i < 100 && new FeedbackClient(env.getWorkflowClient()).status(BATCH).open(); i++) {
      Thread.sleep(20);
    }
    assertProblem(rank(bob, bobCsrf, "{\"item\":\"p00001\",\"ranks\":[1,2,3]}"), 409, "closed");
    assertEquals(4, recorded());

    String history = env.getWorkflowClient().fetchHistory(BATCH).toJson(false);
    assertTrue(history.contains("alice") && history.contains("bob"), "history records the annotator ids");
    assertFalse(history.contains(alice) || history.contains(bob), "and never a token");
    assertFalse(history.contains(XSS) || history.contains("34567890"), "nor the texts: only ids and refs");

    StringWriter status = new StringWriter();
    LabelStatus.print(new PrintWriter(status, true), new FeedbackClient(env.getWorkflowClient()), PIPELINE,
        System.currentTimeMillis());
    assertTrue(status.toString().contains(BATCH + " closed: 2 / 2 items at quorum (2 annotators each), 4 rankings"),
        status.toString());
    assertTrue(status.toString().contains("alice (2, active), bob (2, active)"), status.toString());
  }

  private static void assertProblem(HttpResponse<String> r, int status, String text) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.body().contains(text), "expected \"" + text + "\" in " + r.body());
  }
}
