package org.rlhfflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.config.RlhfConfig;

/** Runs the real `temporal` CLI against the configured server, as a user would, and parses its JSON. */
final class TemporalCli {
  private TemporalCli() {}

  static JsonNode run(String cli, RlhfConfig config, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(cli));
    command.addAll(List.of(args));
    command.addAll(List.of("--address", config.temporalAddress(), "--namespace", config.namespace(), "--output", "json"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), String.join(" ", command) + " failed:\n" + output);
    return new ObjectMapper().readTree(output.isBlank() ? "[]" : output);
  }
}
