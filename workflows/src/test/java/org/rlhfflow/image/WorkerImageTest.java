package org.rlhfflow.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rlhfflow.cli.Rlhf;
import org.rlhfflow.cli.VersionCommand;
import org.rlhfflow.cli.WorkerCommand;
import picocli.CommandLine;

/**
 * Reads the worker image tarball built by {@code mvn -Pimage -pl workflows -am package
 * -Djib.from.image=scratch} (./test.sh builds it first) and checks what a container would run.
 * Tagged integration because it needs that prior build; no network, no Docker.
 */
@Tag("integration")
class WorkerImageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode config;
  private static Set<String> files;
  private static String classpathFile;

  @BeforeAll
  static void readImage() throws IOException {
    Path tar = Path.of(System.getProperty("rlhf.image.tar",
        Path.of(System.getProperty("rlhf.repo.root", ".")).resolve("workflows/target/jib-image.tar").toString()));
    assertTrue(Files.isRegularFile(tar), tar + " is missing: build it with "
        + "mvn -Pimage -pl workflows -am package -DskipTests -Djib.from.image=scratch (./test.sh does)");
    Map<String, byte[]> outer = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        outer.put(e.getName(), in.readAllBytes());
      }
    }
    JsonNode manifest = JSON.readTree(outer.get("manifest.json")).get(0);
    config = JSON.readTree(outer.get(manifest.get("Config").asText())).get("config");
    files = new TreeSet<>();
    for (JsonNode layer : manifest.get("Layers")) {
      readLayer(outer.get(layer.asText()));
    }
  }

  private static void readLayer(byte[] gzippedTar) throws IOException {
    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(gzippedTar));
        TarArchiveInputStream in = new TarArchiveInputStream(gz)) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        String path = "/" + e.getName().replaceFirst("^/", "");
        files.add(path);
        if (path.equals("/app/jib-classpath-file")) {
          classpathFile = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
      }
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void entrypointRunsTheRlhfCliAndTheDefaultCommandIsWorker() {
    List<String> entrypoint = strings(config.get("Entrypoint"));
    assertEquals("java", entrypoint.get(0), entrypoint.toString());
    assertEquals(Rlhf.class.getName(), entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
    assertEquals(List.of("worker"), strings(config.get("Cmd")));
    // "worker" must resolve to the worker command in the CLI that is in the image.
    Object worker = new CommandLine(new Rlhf()).getSubcommands().get("worker").getCommand();
    assertTrue(worker instanceof WorkerCommand, String.valueOf(worker));
    assertTrue(strings(config.get("Env")).stream().anyMatch(e -> e.matches("RLHF_TASK_QUEUES=rlhf-(cpu|gpu)")),
        config.get("Env").toString());
  }

  @Test
  void workersStartWithTheLaunchersMallocSettings() throws Exception {
    String launcher = Files.readString(Path.of(System.getProperty("rlhf.repo.root", "..")).resolve("rlhf"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("GLIBC_TUNABLES:-([^}]+)}").matcher(launcher);
    assertTrue(m.find(), "./rlhf sets no GLIBC_TUNABLES default");
    assertTrue(strings(config.get("Env")).contains("GLIBC_TUNABLES=" + m.group(1)), config.get("Env").toString());
  }

  @Test
  void jvmFlagsOpenJavaNioForArrowAndKeepDjlOffline() {
    List<String> entrypoint = strings(config.get("Entrypoint"));
    // The image must run with the very flag the test JVMs run with (both come from arrow.jvm.flags).
    String arrowFlag = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens=java.base/java.nio="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the test JVM itself lacks the java.nio --add-opens flag"));
    assertTrue(entrypoint.contains(arrowFlag), entrypoint.toString());
    assertTrue(arrowFlag.endsWith("=org.apache.arrow.memory.core,ALL-UNNAMED"), arrowFlag);
    assertTrue(entrypoint.contains("-Dai.djl.offline=true"), entrypoint.toString());
  }

  @Test
  void layersHoldOurClassesAndTheDependencyJars() {
    for (Class<?> c : List.of(Rlhf.class, WorkerCommand.class, org.rlhfflow.worker.WorkerSetup.class)) {
      String path = "/app/classes/" + c.getName().replace('.', '/') + ".class";
      assertTrue(files.contains(path), path + " not in the image");
    }
    Properties v = VersionCommand.buildVersions();
    for (String jar : List.of(
        "temporal-sdk-" + v.getProperty("temporal") + ".jar",
        "pytorch-jni-" + v.getProperty("pytorch") + "-" + v.getProperty("djl") + ".jar",
        "pytorch-native-cpu-" + v.getProperty("pytorch") + "-linux-x86_64.jar",
        "activities-" + v.getProperty("project") + ".jar",
        "model-" + v.getProperty("project") + ".jar")) {
      assertTrue(files.contains("/app/libs/" + jar), jar + " not in /app/libs");
    }
  }

  @Test
  void everyClasspathEntryIsInTheImage() {
    assertTrue(classpathFile != null && !classpathFile.isEmpty(), "no /app/jib-classpath-file");
    for (String entry : classpathFile.split(":")) {
      // Tar entries of directories end with "/"; jars are plain files.
      assertTrue(files.contains(entry) || files.contains(entry + "/"), entry + " is on the classpath but not in the image");
    }
  }
}
