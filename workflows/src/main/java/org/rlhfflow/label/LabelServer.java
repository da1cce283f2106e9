package org.rlhfflow.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.javalin.http.staticfiles.Location;
import io.temporal.client.WorkflowException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItems;
import org.rlhfflow.activities.human.FeedbackRecords.RankAck;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.activities.human.LabelItems;
import org.rlhfflow.store.ArtifactStore;
import org.rlhfflow.store.Json;
import org.rlhfflow.workflows.human.FeedbackClient;

/**
 * The labelling web app. Stateless: the open items and every ranking live in the HumanFeedback
 * workflows (read by query, written by the {@code rank} update), the texts in the artifact store.
 * Restart it at any time; nothing is lost.
 *
 * <pre>{@code
 * try (LabelServer s = LabelServer.start(client, store, tokens, List.of(pipelineId), guidelines, 8080)) { ... }
 * }</pre>
 */
public final class LabelServer implements AutoCloseable {
  static final String COOKIE = "rlhf_token";
  /** A ranking is a few hundred bytes; anything much larger is not one. */
  static final long MAX_BODY = 64 * 1024;

  private final Javalin app;
  private final FeedbackClient feedback;
  private final Batches batches;
  private final ItemTexts texts;
  private final Tokens tokens;
  private final Pages pages;

  private LabelServer(FeedbackClient feedback, ArtifactStore store, Tokens tokens, List<String> pipelines,
      String guidelinesMarkdown) {
    this.feedback = feedback;
    this.batches = new Batches(feedback, pipelines);
    this.texts = new ItemTexts(store);
    this.tokens = tokens;
    this.pages = new Pages(guidelinesMarkdown);
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.maxRequestSize = MAX_BODY;
      config.staticFiles.add(s -> {
        s.hostedPath = "/assets";
        s.directory = "/org/rlhfflow/label/assets";
        s.location = Location.CLASSPATH;
      });
    });
    routes();
  }

  public static LabelServer start(io.temporal.client.WorkflowClient client, ArtifactStore store, Tokens tokens,
      List<String> pipelines, String guidelinesMarkdown, int port) {
    LabelServer s = new LabelServer(new FeedbackClient(client), store, tokens, pipelines, guidelinesMarkdown);
    s.app.start(port);
    return s;
  }

  public int port() {
    return app.port();
  }

  private void routes() {
    app.exception(HttpProblem.class, (e, ctx) -> problem(ctx, e.status, e.getMessage()));
    // Temporal restarting or no worker answering: the batch is still there and nothing was recorded,
    // so the page (or a script) should try again, not report a bad submission.
    app.exception(WorkflowException.class, (e, ctx) -> problem(ctx, 503, "temporal: did not answer ("
        + FeedbackClient.why(e) + "); nothing was recorded, try again shortly"));
    app.before("/api/*", ctx -> {
      if (ctx.contentLength() > MAX_BODY) {
        throw new HttpProblem(413, "body: " + ctx.contentLength() + " bytes is over the " + MAX_BODY
            + "-byte limit of a ranking");
      }
    });
    app.get("/healthz", ctx -> ctx.result("ok"));
    app.get("/login", ctx -> login(ctx, ctx.queryParam("token")));
    app.post("/login", ctx -> login(ctx, ctx.formParam("token")));
    app.get("/", ctx -> ctx.html(pages.index(annotator(ctx), visible(ctx))));
    app.get("/batch/{id}", this::itemPage);
    app.get("/api/batches", ctx -> ctx.json(visible(ctx)));
    app.get("/api/batch/{id}/next", this::nextItem);
    app.post("/api/batch/{id}/rank", this::rank);
  }

  /** Sets the session cookie from a login link and drops the token from the address bar. */
  private void login(Context ctx, String token) {
    Tokens.Grant who = tokens.lookup(token).orElseThrow(() -> new HttpProblem(401,
        "login: unknown token; ask for a link made with `rlhf label token create NAME`"));
    Cookie c = new Cookie(COOKIE, token);
    c.setHttpOnly(true);
    c.setSameSite(SameSite.STRICT);
    c.setPath("/");
    ctx.cookie(c);
    ctx.header("Cache-Control", "no-store");
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
    ctx.attribute("annotator", who.annotator());
  }

  /** The session's token (cookie, or Bearer for scripts); 401 and no data without a valid one. */
  private String token(Context ctx) {
    String t = ctx.cookie(COOKIE);
    String auth = ctx.header("Authorization");
    if (t == null && auth != null && auth.startsWith("Bearer ")) {
      t = auth.substring(7).strip();
    }
    if (t == null) {
      throw new HttpProblem(401, "not logged in: open your login link (rlhf label token create NAME)");
    }
    if (tokens.lookup(t).isEmpty()) {
      throw new HttpProblem(401, "token: not valid; ask for a new login link");
    }
    return t;
  }

  private Tokens.Grant grant(Context ctx) {
    return tokens.lookup(token(ctx)).orElseThrow();
  }

  private String annotator(Context ctx) {
    return grant(ctx).annotator();
  }

  /** The batch named in the path, if the session may label it: 403 otherwise, 404 if none. */
  private FeedbackStatus batch(Context ctx) {
    Tokens.Grant g = grant(ctx);
    String id = ctx.pathParam("id");
    if (!g.allows(id) || !batches.serves(id)) {
      throw new HttpProblem(403, "batch: " + g.annotator() + " may not label batch " + id);
    }
    FeedbackStatus s = batches.status(id);
    if (s == null) {
      throw new HttpProblem(404, "batch: no batch " + id);
    }
    return s;
  }

  private List<FeedbackStatus> visible(Context ctx) {
    Tokens.Grant g = grant(ctx);
    return batches.all().stream().filter(s -> g.allows(s.batchId())).toList();
  }

  private void itemPage(Context ctx) {
    String token = token(ctx);
    FeedbackStatus s = batch(ctx);
    String who = annotator(ctx);
    List<String> skip = skipped(ctx);
    Next next = next(s, who, skip);
    ctx.header("Cache-Control", "no-store");
    ctx.html(pages.item(s, who, Tokens.csrf(token), next.open, next.item, String.join(",", skip)));
  }

  private void nextItem(Context ctx) {
    FeedbackStatus s = batch(ctx);
    Next next = next(s, annotator(ctx), skipped(ctx));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("batch", s.batchId());
    out.put("open", s.open());
    out.put("annotatorDone", next.open.annotatorDone());
    out.put("itemsDone", next.open.itemsDone());
    out.put("itemsTotal", next.open.itemsTotal());
    if (next.item != null) {
      out.put("item", next.item.id());
      out.put("prompt", next.item.prompt());
      out.put("responses", next.item.responses().stream().map(LabelItems.Response::text).toList());
    }
    ctx.json(out);
  }

  private record Next(OpenItems open, LabelItems.Item item) {}

  /** The first open item not skipped; registers the annotator on their first visit to the batch. */
  private Next next(FeedbackStatus s, String who, List<String> skip) {
    if (s.open()) {
      feedback.ensureRegistered(s, who);
    }
    OpenItems open = feedback.openItems(s.batchId(), who, skip.size() + 1);
    LabelItems items = texts.of(s.items());
    for (String id : open.itemIds()) {
      if (!skip.contains(id)) {
        return new Next(open, items.item(id));
      }
    }
    return new Next(open, null);
  }

  private static List<String> skipped(Context ctx) {
    String skip = ctx.queryParam("skip");
    if (skip == null || skip.isBlank()) {
      return List.of();
    }
    return new ArrayList<>(Arrays.stream(skip.split(",")).map(String::strip).filter(x -> !x.isEmpty()).limit(500)
        .toList());
  }

  private void rank(Context ctx) {
    String token = token(ctx);
    if (!Tokens.sameCsrf(token, ctx.header("X-CSRF-Token"))) {
      throw new HttpProblem(403, "csrf: missing or wrong X-CSRF-Token header; reload the page");
    }
    FeedbackStatus s = batch(ctx);
    String who = annotator(ctx);
    RankRequest request = parse(ctx.body(), who);
    if (s.open()) {
      feedback.ensureRegistered(s, who);
    }
    String why = feedback.check(s.batchId(), request);
    if (why != null) {
      throw new HttpProblem(why.contains("already ranked") || why.contains("closed") ? 409 : 400, why);
    }
    try {
      RankAck ack = feedback.rank(s.batchId(), request);
      ctx.json(ack);
    } catch (FeedbackClient.Rejected e) {
      throw new HttpProblem(409, e.getMessage());
    }
  }

  /** The body {@code {"item": "p00003", "ranks": [2, 1, 4, 3], "flag": ""}}; the annotator is the session's. */
  static RankRequest parse(String body, String annotator) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new HttpProblem(400, "body: not JSON (" + e.getOriginalMessage() + "); expected "
          + "{\"item\": ID, \"ranks\": [r1..rK], \"flag\": \"\"|\"unsafe\"|\"unsure\"}");
    }
    if (n == null || !n.isObject() || !n.path("item").isTextual() || !n.path("ranks").isArray()) {
      throw new HttpProblem(400, "body: expected {\"item\": ID, \"ranks\": [r1..rK], \"flag\": \"\"}, got "
          + abbreviate(body));
    }
    List<Integer> ranks = new ArrayList<>();
    for (JsonNode r : n.get("ranks")) {
      if (!r.canConvertToInt() || !r.isIntegralNumber()) {
        throw new HttpProblem(400, "ranks: " + abbreviate(r.toString()) + " is not an integer rank");
      }
      ranks.add(r.asInt());
    }
    return new RankRequest(annotator, n.get("item").asText(), ranks, n.path("flag").asText(""));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /** JSON for the API and scripts, a small page for people; the message is escaped like any text. */
  private void problem(Context ctx, int status, String message) {
    ctx.status(status);
    if (ctx.path().startsWith("/api/") || !acceptsHtml(ctx)) {
      ctx.json(Map.of("error", message, "status", status));
    } else {
      ctx.html(pages.error(status, message));
    }
  }

  private static boolean acceptsHtml(Context ctx) {
    String accept = ctx.header("Accept");
    return accept != null && accept.contains("text/html");
  }

  @Override
  public void close() {
    app.stop();
  }
}
