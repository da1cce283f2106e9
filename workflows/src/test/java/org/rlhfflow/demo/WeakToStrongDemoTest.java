package org.rlhfflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.cli.Rlhf;
import org.rlhfflow.model.Determinism;
import org.rlhfflow.store.Json;
import picocli.CommandLine;

/**
 * `rlhf demo` on experiments/w2s.yaml cut to one seed and one pair (nano supervising micro, both
 * losses, pretrained presets, linear probes): summary.json has the figures the issue names and
 * DIR/report has the table and both plots. The quality run: after the same pretraining the larger
 * model must be the better one on ground truth, and its logconf student must beat its supervisor.
 */
@Tag("slow")
class WeakToStrongDemoTest {
  static final String SPEC = """
      name: w2s-ci
      method: weak_to_strong
      model:
        block_size: 16
      w2s:
        weak: [nano]
        strong: [micro]
        seeds: 1
        task: weighted
        train1_size: 1000
        train2_size: 1000
        epochs: 3
        pretrain: {epochs: 1, documents: 4000}
        linear_probe: true
      """;

  @Test
  void demoWritesSummaryTableAndPlots(@TempDir Path tmp) throws Exception {
    Determinism.configure(1);
    Path spec = Files.writeString(tmp.resolve("w2s-ci.yaml"), SPEC);
    Path out = tmp.resolve("out");
    StringWriter console = new StringWriter();
    CommandLine cli = new CommandLine(new Rlhf());
    cli.setOut(new PrintWriter(console));
    int code = cli.execute("demo", "--experiment", spec.toString(), "--out", out.toString());
    System.out.println(console);
    assertEquals(0, code, console.toString());

    JsonNode w2s = Json.MAPPER.readTree(out.resolve("summary.json").toFile()).path("w2s");
    for (String loss : new String[] {"xent", "logconf"}) {
      JsonNode pgr = w2s.path("pgr").path(loss);
      // a number, or null with the excluded seed counted
      assertTrue(pgr.isNumber() || w2s.path("excluded_seeds").path(loss).asInt() == 1, "w2s.pgr." + loss + " " + w2s);
    }
    JsonNode acc = w2s.path("accuracy");
    for (String k : new String[] {"weak", "strong_ceiling", "student_xent", "student_logconf"}) {
      assertTrue(acc.path(k).isNumber(), "w2s.accuracy." + k);
    }
    double weak = acc.path("weak").asDouble();
    assertTrue(weak > 0.52, "the weak supervisor did not learn the task: " + acc);
    assertTrue(acc.path("strong_ceiling").asDouble() > weak + 0.1, "the larger model is not the better one: " + acc);
    assertTrue(acc.path("student_logconf").asDouble() > weak + 0.1,
        "the strong student did not generalise beyond its weak supervisor: " + acc);
    assertTrue(w2s.path("pretrain").path("micro").path("final_loss").asDouble()
        < w2s.path("pretrain").path("nano").path("final_loss").asDouble(), "pretraining: " + w2s.path("pretrain"));
    for (String f : new String[] {"w2s-accuracy-by-strong-size.png", "w2s-pgr-by-loss.png", "w2s-table.md"}) {
      assertTrue(Files.size(out.resolve("report").resolve(f)) > 0, f);
    }
    System.out.println("W2S-CI " + acc + " pgr " + w2s.path("pgr"));
  }
}
