package org.rlhfflow.tracking;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rlhfflow.store.Json;

/** Reads back what a {@link LocalTracker} wrote, for the report and for tests. */
public final class LocalRuns {

  /** One run with everything logged to it; metrics in logging order. */
  public record Run(RunMeta meta, Map<String, String> params, List<MetricPoint> metrics) {}

  private LocalRuns() {}

  /**
   * All runs under a tracker directory, ordered by start time then name. Also accepts an {@code
   * RLHF_HOME}, whose tracker directory is {@code metrics/}.
   */
  public static List<Run> read(Path dir) throws IOException {
    Path runs = runsDir(dir);
    List<Run> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(runs)) {
      for (Path runDir : s.filter(p -> Files.isRegularFile(p.resolve("meta.json"))).toList()) {
        out.add(readRun(runDir));
      }
    }
    out.sort(
        Comparator.comparingLong((Run r) -> r.meta().startTime())
            .thenComparing(r -> r.meta().name()));
    return out;
  }

  static Path runsDir(Path dir) throws IOException {
    for (Path candidate : List.of(dir.resolve("runs"), dir.resolve("metrics").resolve("runs"))) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IOException("no tracking runs in " + dir + " (expected " + dir.resolve("runs") + ")");
  }

  public static Run readRun(Path runDir) throws IOException {
    RunMeta meta = readJson(runDir.resolve("meta.json"), new TypeReference<RunMeta>() {});
    Path paramsFile = runDir.resolve("params.json");
    Map<String, String> params =
        Files.exists(paramsFile)
            ? readJson(paramsFile, new TypeReference<TreeMap<String, String>>() {})
            : Map.of();
    return new Run(meta, params, readMetrics(runDir.resolve("metrics.jsonl")));
  }

  private static List<MetricPoint> readMetrics(Path file) throws IOException {
    List<MetricPoint> points = new ArrayList<>();
    if (!Files.exists(file)) {
      return points;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line; (line = r.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          points.add(Json.MAPPER.readValue(line, MetricPoint.class));
        } catch (IOException e) {
          throw new IOException(file + ":" + lineNo + ": bad metric line: " + e.getMessage(), e);
        }
      }
    }
    return points;
  }

  private static <T> T readJson(Path file, TypeReference<T> type) throws IOException {
    try {
      return Json.MAPPER.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
