package org.rlhfflow.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk copy of what a tracker has not delivered yet: one JSON line per unsent metric point
 * in {@code <runId>.jsonl}, and a run end that is waiting for its points in {@code <runId>.end}.
 * Each process writes its own directory under the spool root and holds a lock on it; a directory
 * whose lock is free belongs to a process that died, and the next tracker adopts its contents. So
 * metrics logged during a tracking-server outage survive a worker restart (kill -9 included: the
 * lines are in the OS's page cache; a power loss may lose the last ones, they are not fsynced).
 */
final class MetricSpool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricSpool.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOCK = "lock";

  /** A run end recorded while its points could not be sent. */
  record End(String status, long endTime) {}

  /** What dead processes left behind: unsent points by run, and pending run ends. */
  record Recovered(Map<String, List<MetricPoint>> points, Map<String, End> ends) {
    int size() {
      return points.values().stream().mapToInt(List::size).sum();
    }
  }

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private MetricSpool(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens this process's spool directory under {@code root}, locked for as long as the spool is open. */
  static MetricSpool open(Path root) {
    try {
      Path dir = Files.createDirectories(root.resolve(UUID.randomUUID().toString()));
      FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new MetricSpool(dir, ch, ch.lock());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the metric spool under " + root, e);
    }
  }

  /**
   * Reads, copies into this spool and deletes every other directory under the root whose lock is
   * free (its process is gone). Directories another live process holds are left alone.
   */
  Recovered adoptOrphans() {
    Map<String, List<MetricPoint>> points = new LinkedHashMap<>();
    Map<String, End> ends = new LinkedHashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir.getParent(), Files::isDirectory)) {
      for (Path other : dirs) {
        if (!other.equals(dir)) {
          adopt(other, points, ends);
        }
      }
    } catch (IOException e) {
      log.warn("could not read the metric spool {}: {}", dir.getParent(), e.toString());
    }
    points.forEach((run, ps) -> ps.forEach(p -> append(run, p)));
    ends.forEach(this::recordEnd);
    return new Recovered(points, ends);
  }

  private static void adopt(Path other, Map<String, List<MetricPoint>> points, Map<String, End> ends)
      throws IOException {
    try (FileChannel ch = FileChannel.open(other.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = tryLock(ch)) {
      if (held == null) {
        return; // a live process's spool
      }
      try (Stream<Path> files = Files.list(other)) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".jsonl")) {
            List<MetricPoint> ps = points.computeIfAbsent(name.substring(0, name.length() - 6), k -> new ArrayList<>());
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
              if (!line.isBlank()) {
                try {
                  ps.add(JSON.readValue(line, MetricPoint.class));
                } catch (IOException torn) {
                  log.warn("skipping a torn line of {}: {}", f, line); // the process died mid-write
                }
              }
            }
          } else if (name.endsWith(".end")) {
            String[] parts = Files.readString(f, StandardCharsets.UTF_8).trim().split(" ");
            ends.put(name.substring(0, name.length() - 4), new End(parts[0], Long.parseLong(parts[1])));
          }
        }
      }
      try (Stream<Path> files = Files.list(other)) {
        for (Path f : files.toList()) {
          if (!f.getFileName().toString().equals(LOCK)) {
            Files.delete(f);
          }
        }
      }
    }
    Files.deleteIfExists(other.resolve(LOCK));
    Files.deleteIfExists(other);
  }

  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException sameJvm) {
      return null; // held by another spool of this JVM
    }
  }

  /** Appends one unsent point. */
  void append(String runId, MetricPoint p) {
    write(runFile(runId), List.of(p), StandardOpenOption.APPEND);
  }

  /** Replaces the run's unsent points with {@code remaining}; deletes the file when none remain. */
  void remaining(String runId, List<MetricPoint> remaining) {
    Path f = runFile(runId);
    if (remaining.isEmpty()) {
      delete(f);
    } else {
      write(f, remaining, StandardOpenOption.TRUNCATE_EXISTING);
    }
  }

  void recordEnd(String runId, End end) {
    try {
      Files.writeString(endFile(runId), end.status() + " " + end.endTime() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("could not spool the end of run {}: {}", runId, e.toString());
    }
  }

  void ended(String runId) {
    delete(endFile(runId));
  }

  Path dir() {
    return dir;
  }

  private void write(Path f, List<MetricPoint> points, StandardOpenOption mode) {
    StringBuilder lines = new StringBuilder();
    try {
      for (MetricPoint p : points) {
        lines.append(JSON.writeValueAsString(p)).append('\n');
      }
      Files.writeString(f, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
    } catch (IOException e) {
      // The points are still in memory; only a worker restart before they are sent would lose them.
      log.warn("could not spool {} metric points to {}: {}", points.size(), f, e.toString());
    }
  }

  private void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", f, e.toString());
    }
  }

  private Path runFile(String runId) {
    return dir.resolve(safe(runId) + ".jsonl");
  }

  private Path endFile(String runId) {
    return dir.resolve(safe(runId) + ".end");
  }

  /** MLflow run ids are 32 hex characters; anything else must not escape the directory. */
  private static String safe(String runId) {
    if (!runId.matches("[A-Za-z0-9_-]{1,128}")) {
      throw new IllegalArgumentException("run id is not a plain token: " + runId);
    }
    return runId;
  }

  /**
   * Releases the lock. Whatever is still spooled stays on disk for the next tracker; an empty
   * directory is removed.
   */
  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
      try (Stream<Path> files = Files.list(dir)) {
        if (files.allMatch(f -> f.getFileName().toString().equals(LOCK))) {
          Files.deleteIfExists(dir.resolve(LOCK));
          Files.deleteIfExists(dir);
        }
      }
    } catch (IOException e) {
      log.warn("could not close the metric spool {}: {}", dir, e.toString());
    }
  }
}
