package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.collect.PreferenceSpec;

/** Every spec checked in under experiments/ loads, and is named after its file. */
class ExperimentFilesTest {

  private static List<Path> specFiles() throws IOException {
    Path dir = Path.of(System.getProperty("rlhf.repo.root", "..")).resolve("experiments");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  @Test
  void everySpecLoads() throws IOException {
    List<Path> files = specFiles();
    assertFalse(files.isEmpty(), "no specs under experiments/");
    for (Path file : files) {
      ExperimentSpec spec = SpecLoader.load(file);
      assertEquals(file.getFileName().toString().replaceFirst("\\.ya?ml$", ""), spec.name(), file.toString());
    }
  }

  @Test
  void hhSpecTrainsTheRewardModelOnTheImportedDataset() throws IOException {
    Path file = specFiles().stream().filter(p -> p.endsWith("hh-rlhf-rm.yaml")).findFirst().orElseThrow();
    ExperimentSpec spec = SpecLoader.load(file);
    assertEquals(PreferenceSpec.Source.DATASET, spec.preferences().source());
    assertEquals(PreferenceSpec.DatasetFormat.ARROW, spec.preferences().datasetFormat());
    assertTrue(spec.data().preferenceDataset().endsWith(".arrow"));
  }
}
