package org.rlhfflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code rlhf <args>} in a fresh JVM with this one's flags and class path, and an environment
 * changed by {@code env} (a null value removes a variable). Benchmarks need it for what a process
 * fixes once: the native kernels' ISA (read when PyTorch loads) and the memory high-water mark.
 */
final class ChildJvm {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChildJvm() {}

  /** The JSON object on the child's last stdout line; its stderr passes through. */
  static JsonNode runJson(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Rlhf.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    String[] lines = out.strip().split("\n");
    if (rc != 0 || lines.length == 0 || !lines[lines.length - 1].startsWith("{")) {
      throw new IOException("child `rlhf " + String.join(" ", args) + "` exited " + rc + ": " + out.strip());
    }
    return JSON.readTree(lines[lines.length - 1]);
  }
}
