package org.rlhfflow.tracking;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Semaphore;

/** An HTTP proxy in front of the tracking server that can play an outage (503) on demand. */
final class ForwardingProxy implements AutoCloseable {

  volatile boolean down;
  /** One permit per request refused while down, so a test can wait for retries without sleeping. */
  final Semaphore refused = new Semaphore(0);

  private final HttpServer server;
  private final String target;
  private final HttpClient http = HttpClient.newHttpClient();

  ForwardingProxy(String target) throws IOException {
    this.target = target.replaceAll("/+$", "");
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (down) {
        refused.release();
        respond(ex, 503, "down for the test".getBytes());
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
          .method(ex.getRequestMethod(), body.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        req.header("Content-Type", type);
      }
      HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      resp.headers().firstValue("Content-Type").ifPresent(t -> ex.getResponseHeaders().add("Content-Type", t));
      respond(ex, resp.statusCode(), resp.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
