package org.rlhfflow.label;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItems;
import org.rlhfflow.activities.human.LabelItems;

/**
 * Server-rendered pages. Pebble escapes every variable for HTML by default, so a model response
 * with {@code <script>} shows as text; the only raw insertion is the guidelines, rendered by
 * commonmark with raw HTML escaped and unsafe links removed.
 */
final class Pages {
  private final PebbleEngine engine;
  private final String guidelinesHtml;

  Pages(String guidelinesMarkdown) {
    ClasspathLoader loader = new ClasspathLoader();
    loader.setPrefix("org/rlhfflow/label/templates");
    loader.setSuffix(".peb");
    engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).strictVariables(false).build();
    guidelinesHtml = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build()
        .render(Parser.builder().build().parse(guidelinesMarkdown));
  }

  String index(String annotator, List<FeedbackStatus> batches) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FeedbackStatus s : batches) {
      Map<String, Object> r = new HashMap<>();
      r.put("id", s.batchId());
      r.put("open", s.open());
      r.put("done", s.itemsDone());
      r.put("total", s.itemsTotal());
      r.put("mine", s.rankingsByAnnotator().getOrDefault(annotator, 0));
      rows.add(r);
    }
    return render("index", Map.of("annotator", annotator, "batches", rows));
  }

  String item(FeedbackStatus s, String annotator, String csrf, OpenItems open, LabelItems.Item item, String skip) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("annotator", annotator);
    m.put("batch", s.batchId());
    m.put("csrf", csrf);
    m.put("k", s.k());
    m.put("open", s.open());
    m.put("mine", open.annotatorDone());
    m.put("done", open.itemsDone());
    m.put("total", open.itemsTotal());
    m.put("skip", skip);
    m.put("guidelines", guidelinesHtml);
    m.put("item", item == null ? null : item.id());
    m.put("prompt", item == null ? "" : item.prompt());
    List<Map<String, Object>> responses = new ArrayList<>();
    if (item != null) {
      for (int i = 0; i < item.responses().size(); i++) {
        responses.add(Map.of("n", i + 1, "text", item.responses().get(i).text()));
      }
    }
    m.put("responses", responses);
    return render("item", m);
  }

  String error(int status, String message) {
    return render("error", Map.of("status", status, "message", message));
  }

  private String render(String name, Map<String, Object> model) {
    try {
      PebbleTemplate t = engine.getTemplate(name);
      StringWriter out = new StringWriter();
      t.evaluate(out, new HashMap<>(model));
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
