package org.rlhfflow.label;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rlhfflow.model.Seeds;
import org.rlhfflow.store.Json;
import org.rlhfflow.tasks.Task;

/**
 * Annotators for unattended runs: each logs in with its own token and ranks through the same HTTP
 * API as the page. A ranking is a Plackett–Luce sample with utilities {@code oracle / temperature}
 * (Gumbel-max trick), the Bradley–Terry model of choice (Bradley &amp; Terry 1952); each annotator
 * has its own temperature, so agreement has something to measure. Temperature 0 ranks by the
 * oracle, equal scores tied.
 *
 * <pre>{@code
 * try (SimulatedAnnotators sims = SimulatedAnnotators.start(url, tokens, task, 3, seed)) { ... }
 * }</pre>
 */
public final class SimulatedAnnotators implements AutoCloseable {
  /** Noise levels of annotators 0, 1, 2, ...: one careful, then noisier ones. */
  static double temperature(int i) {
    return 0.05 * i * i;
  }

  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger submitted = new AtomicInteger();
  private final Queue<Submission> accepted = new ConcurrentLinkedQueue<>();

  /** A ranking the app accepted (HTTP 200), so a test can look for it in the final dataset. */
  public record Submission(String batch, String annotator, String item, List<Integer> ranks) {}

  private SimulatedAnnotators() {}

  /** Makes N tokens in {@code tokens}, one per annotator {@code sim-<i>}, and starts them. */
  public static SimulatedAnnotators start(String baseUrl, Tokens tokens, Task task, int n, long seed) {
    SimulatedAnnotators s = new SimulatedAnnotators();
    for (int i = 0; i < n; i++) {
      String name = "sim-" + i;
      String token = tokens.add(name, "*");
      Annotator a = new Annotator(name, baseUrl, token, task, temperature(i), Seeds.derive(seed, "annotator", i), s);
      Thread t = new Thread(a, "rlhf-" + name);
      t.setDaemon(true);
      s.threads.add(t);
      t.start();
    }
    return s;
  }

  public int submitted() {
    return submitted.get();
  }

  /** Every accepted ranking so far, in the order the app answered. */
  public List<Submission> accepted() {
    return List.copyOf(accepted);
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.interrupt();
      t.join(5_000);
    }
  }

  /** The ranks a Bradley–Terry annotator at {@code temperature} gives responses with these scores. */
  static List<Integer> ranks(double[] score, double temperature, SplittableRandom rng) {
    int k = score.length;
    double[] u = new double[k];
    for (int i = 0; i < k; i++) {
      double gumbel = -Math.log(-Math.log(Math.max(rng.nextDouble(), 1e-300)));
      u[i] = temperature == 0 ? score[i] : score[i] / temperature + gumbel;
    }
    List<Integer> ranks = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      int better = 0;
      for (int j = 0; j < k; j++) {
        better += u[j] > u[i] ? 1 : 0;
      }
      ranks.add(better + 1); // competition ranks: equal utilities tie
    }
    return ranks;
  }

  /**
   * @param seed the annotator's noise is drawn from (seed, item): its ranking of an item does not
   *     depend on the order in which the annotators happen to reach the items
   */
  private record Annotator(String name, String baseUrl, String token, Task task, double temperature, long seed,
      SimulatedAnnotators owner) implements Runnable {

    @Override
    public void run() {
      HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
          .followRedirects(HttpClient.Redirect.NEVER).build();
      String csrf = Tokens.csrf(token);
      try {
        send(http, HttpRequest.newBuilder(URI.create(baseUrl + "/login?token=" + token)).GET().build());
        while (!owner.stop.get()) {
          boolean ranked;
          try {
            ranked = rankOne(http, csrf);
          } catch (IOException e) {
            ranked = false; // the app restarting, or a batch closing under us: try again shortly
          }
          if (!ranked) {
            Thread.sleep(1000); // nothing open for us right now: the pipeline is sampling, or all done
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        if (!owner.stop.get()) {
          System.err.println("simulated annotator stopped: " + e.getMessage());
        }
      }
    }

    /** Ranks the next open item of the first open batch; false if there was none. */
    private boolean rankOne(HttpClient http, String csrf) throws IOException, InterruptedException {
      JsonNode batches = Json.MAPPER.readTree(get(http, "/api/batches"));
      for (JsonNode b : batches) {
        if (!b.path("open").asBoolean()) {
          continue;
        }
        String id = b.get("batchId").asText();
        JsonNode next = Json.MAPPER.readTree(get(http, "/api/batch/" + id + "/next"));
        if (!next.has("item")) {
          continue;
        }
        String prompt = next.get("prompt").asText();
        double[] score = new double[next.get("responses").size()];
        for (int i = 0; i < score.length; i++) {
          score[i] = task.oracleScore(prompt, next.get("responses").get(i).asText());
        }
        String item = next.get("item").asText();
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, id, item));
        List<Integer> ranks = ranks(score, temperature, rng);
        String body = Json.MAPPER.writeValueAsString(Map.of("item", item, "ranks", ranks, "flag", ""));
        HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(baseUrl + "/api/batch/" + id + "/rank"))
            .header("Content-Type", "application/json").header("X-CSRF-Token", csrf)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (r.statusCode() == 200) {
          owner.submitted.incrementAndGet();
          owner.accepted.add(new Submission(id, name, item, ranks));
        }
        return true;
      }
      return false;
    }

    private String get(HttpClient http, String path) throws IOException, InterruptedException {
      HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request)
        throws IOException, InterruptedException {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
  }
}
