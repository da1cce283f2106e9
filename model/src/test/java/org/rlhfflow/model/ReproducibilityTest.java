package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reproducible mode's pins and the check that they are in effect before the engine loads. */
class ReproducibilityTest {
  private static final String AVX2_CPU = " fpu sse2 avx avx2 fma ";

  @Test
  void pinsCoverAtenMklAndOnednn() {
    Map<String, String> pins = Reproducibility.pins();
    assertEquals("avx2", pins.get("ATEN_CPU_CAPABILITY"));
    assertEquals("AVX2", pins.get("MKL_CBWR"));
    assertEquals("AVX2", pins.get("ONEDNN_MAX_CPU_ISA"));
  }

  @Test
  void offNeedsNothing() {
    assertNull(Reproducibility.problem(Map.of(), AVX2_CPU));
    assertNull(Reproducibility.problem(Map.of("RLHF_REPRODUCIBLE", "0"), null));
  }

  @Test
  void onWithEveryPinIsFine() {
    Map<String, String> env = new HashMap<>(Reproducibility.pins());
    env.put("RLHF_REPRODUCIBLE", "1");
    assertNull(Reproducibility.problem(env, AVX2_CPU));
  }

  @Test
  void onWithAMissingOrDifferentPinNamesIt() {
    Map<String, String> env = new HashMap<>(Reproducibility.pins());
    env.put("RLHF_REPRODUCIBLE", "1");
    env.remove("MKL_CBWR");
    String p = Reproducibility.problem(env, AVX2_CPU);
    assertTrue(p.contains("needs MKL_CBWR=AVX2") && p.contains("found unset"), p);
    env.putAll(Reproducibility.pins());
    env.put("ATEN_CPU_CAPABILITY", "avx512");
    p = Reproducibility.problem(env, AVX2_CPU);
    assertTrue(p.contains("needs ATEN_CPU_CAPABILITY=avx2") && p.contains("found avx512"), p);
  }

  @Test
  void aCpuWithoutAvx2IsRefused() {
    Map<String, String> env = new HashMap<>(Reproducibility.pins());
    env.put("RLHF_REPRODUCIBLE", "1");
    assertTrue(Reproducibility.problem(env, " fpu sse2 avx ").contains("no AVX2"));
  }

  @Test
  void tagsRecordModeCpuAndThreads() {
    Map<String, String> t = Reproducibility.tags();
    assertEquals(Reproducibility.enabled() ? "1" : "0", t.get("rlhf.reproducible"));
    assertTrue(!t.get("rlhf.cpu_model").isBlank());
    assertTrue(t.containsKey("rlhf.threads"));
  }

  /** The test JVMs' profile in the root pom sets the same values as the file. */
  @Test
  void thePomProfileSetsTheSamePins() throws IOException {
    String pom = Files.readString(Path.of(System.getProperty("rlhf.repo.root", "..")).resolve("pom.xml"));
    for (Map.Entry<String, String> pin : Reproducibility.pins().entrySet()) {
      String element = "<" + pin.getKey() + ">" + pin.getValue() + "</" + pin.getKey() + ">";
      assertTrue(pom.contains(element), "pom.xml reproducible profile lacks " + element);
    }
  }

  /** The launcher reads the same file the check reads, so the two cannot drift apart. */
  @Test
  void theLauncherSourcesThePinsFile() throws IOException {
    Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
    String launcher = Files.readString(root.resolve("rlhf"));
    assertTrue(launcher.contains("model/src/main/resources/org/rlhfflow/model/reproducible.env"), "./rlhf");
  }

  @Test
  void resumeOnOtherEngineSettingsWarnsButSameSettingsDoNot() {
    String here = Reproducibility.engineStamp();
    assertTrue(here.matches("threads=\\d+ fused_kernels=[01] reproducible=[01]"), here);
    assertNull(Reproducibility.resumeWarning(here, here));
    assertNull(Reproducibility.resumeWarning(null, here), "heartbeats from before the stamp");
    String other = here.replaceFirst("threads=\\d+", "threads=7");
    String warning = Reproducibility.resumeWarning(other, here);
    assertTrue(warning.contains("threads=7") && warning.contains("no longer bit-identical"), warning);
  }
}
