package org.rlhfflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.cli.Rlhf;
import org.rlhfflow.store.Json;
import picocli.CommandLine;

/**
 * {@code ./rlhf demo --experiment experiments/human.yaml --simulated-annotators 3}: three simulated
 * annotators log in and rank every item through the web app while the pipeline waits in Temporal,
 * and the policy trained on their majority labels beats SFT by the oracle.
 */
@Tag("slow")
class HumanDemoTest {
  @Test
  void simulatedAnnotatorsLabelThroughTheWebAppAndPpoBeatsSft(@TempDir Path out) throws Exception {
    Path spec = Path.of(System.getProperty("rlhf.repo.root", ".")).resolve("experiments/human.yaml");
    StringWriter console = new StringWriter();
    CommandLine cli = new CommandLine(new Rlhf());
    cli.setOut(new PrintWriter(console, true));
    int code = cli.execute("demo", "--experiment", spec.toString(), "--simulated-annotators", "3",
        "--label-port", "0", "--out", out.toString());
    assertEquals(0, code, console.toString());
    assertTrue(console.toString().contains("3 simulated annotators rank through the web app"), console.toString());

    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    JsonNode a = summary.get("annotation");
    System.out.println("HUMAN DEMO " + summary);
    assertEquals(256, a.get("items").asInt());
    assertEquals(256 * 3, a.get("rankings").asInt(), "every item reaches its quorum of three");
    assertEquals(3, a.get("annotators").asInt());
    assertTrue(a.get("pairs").asInt() > 0 && a.get("pairs").asInt() <= 256 * 6, a.toString());
    double alpha = a.get("krippendorff_alpha").asDouble();
    assertTrue(alpha > 0 && alpha <= 1, "annotators who share an oracle agree more than chance: " + alpha);
    double sft = summary.at("/oracle_score/sft").asDouble();
    double ppo = summary.at("/oracle_score/ppo").asDouble();
    assertTrue(ppo > sft, "PPO " + ppo + " does not beat SFT " + sft + " by the oracle");
  }
}
