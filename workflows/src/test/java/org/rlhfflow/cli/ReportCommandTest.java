package org.rlhfflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.tracking.LocalTracker;
import picocli.CommandLine;

class ReportCommandTest {

  @TempDir Path home;

  @Test
  void rendersAnRlhfHomeIntoPngsAndASummary() throws Exception {
    try (LocalTracker t = new LocalTracker(home.resolve("metrics"))) {
      String run = t.startRun("rlhf", "sft", null, Map.of());
      for (int step = 0; step < 20; step++) {
        t.logMetric(run, "sft/loss", 3.0 - 0.1 * step, step);
      }
    }
    Path out = home.resolve("report");
    int code = new CommandLine(new Rlhf()).execute("report", home.toString(), "--out", out.toString());
    assertEquals(0, code);
    assertNotNull(ImageIO.read(out.resolve("sft.png").toFile()));
    assertTrue(Files.readString(out.resolve("summary.md")).contains("sft/loss"));
  }

  @Test
  void aDirectoryWithoutRunsIsAClearErrorNotAStackTrace() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Rlhf()).setErr(new PrintWriter(err));
    int code = cli.execute("report", home.resolve("nothing-here").toString());
    assertEquals(1, code);
    assertTrue(err.toString().startsWith("rlhf report: no tracking runs in "), err.toString());
    assertTrue(err.toString().contains("nothing-here"), err.toString());
  }
}
