package org.rlhfflow.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.testing.TestWorkflowEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.store.LocalArtifactStore;

/** Without simulated annotators the demo prints the app's URL and working login links for people. */
class DemoLabellingTest {
  @TempDir Path dir;

  @Test
  void printsTheUrlAndLoginLinksAndServesThem() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      env.start();
      LocalArtifactStore store = new LocalArtifactStore(dir);
      StringWriter out = new StringWriter();
      assertNull(DemoLabelling.startIfHuman("name: s\n", "s.yaml", env.getWorkflowClient(), store, "p", 0, 0,
          new PrintWriter(out, true)), "not a human spec: no app");
      try (DemoLabelling app = DemoLabelling.startIfHuman("name: h\npreferences:\n  source: human\n", "h.yaml",
          env.getWorkflowClient(), store, "p", 0, 0, new PrintWriter(out, true))) {
        String text = out.toString();
        assertTrue(text.contains("labelling: http://localhost:" + app.port()), text);
        assertTrue(text.contains("waiting for people"), text);
        Matcher m = Pattern.compile("login: +(\\S+)  \\(annotator-1\\)").matcher(text);
        assertTrue(m.find(), text);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1)))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, r.statusCode(), "the printed link logs annotator-1 in");
      }
    }
  }
}
