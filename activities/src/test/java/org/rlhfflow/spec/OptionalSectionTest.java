package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Sections a stage contributes only when the spec sets them (e.g. sl_cai), and per-name maps. */
class OptionalSectionTest {
  @Doc("A stage's section.")
  public record Extra(@Doc(value = "A knob.", range = "[1, 9]", def = "2") int knob) {
    public static final Extra DEFAULT = SpecDefaults.of(Extra.class);
  }

  @Doc("Top.")
  public record Outer(
      @Doc(value = "A name.", def = "a") String name,
      @Doc(value = "Present only when set.", optional = true) Extra extra) {
    public static final Outer DEFAULT = SpecDefaults.of(Outer.class);
  }

  private static Outer bind(String yaml) {
    return new SpecBinder("t.yaml").bind(Outer.class, new Yaml().compose(new StringReader(yaml)), "");
  }

  @Test
  void anOptionalSectionIsAbsentUnlessSetAndTakesItsDefaultsWhenSet() {
    assertNull(Outer.DEFAULT.extra());
    assertNull(bind("name: b\n").extra());
    assertEquals(2, bind("extra: {}\n").extra().knob());
    assertEquals(3, bind("extra:\n  knob: 3\n").extra().knob());
    Map<String, String> flat = SpecTree.flatten(SpecTree.toTree(bind("name: b\n")));
    assertTrue(flat.keySet().stream().noneMatch(k -> k.startsWith("extra")), flat.toString());
  }

  @Test
  void perStageResourcesAreBoundByName() {
    ExperimentSpec spec = SpecLoader.parse(
        "name: r\nresources:\n  stages:\n    ppo:\n      task_queue: rlhf-gpu\n      heartbeat_timeout_s: 12\n", "r.yaml");
    assertEquals("rlhf-gpu", spec.resources().taskQueue("ppo", "rlhf-cpu"));
    assertEquals("rlhf-cpu", spec.resources().taskQueue("sft", "rlhf-cpu"));
    assertEquals("q", SpecLoader.parse("name: r\nresources:\n  task_queue: q\n", "r.yaml").resources().taskQueue("sft", "x"));
    assertEquals(12.0, spec.resources().heartbeatTimeoutS("ppo"));
    assertEquals(5.0, spec.resources().heartbeatTimeoutS("sft"));
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> SpecLoader.parse(
        "name: r\nresources:\n  stages:\n    ppo:\n      task_queu: x\n", "r.yaml"));
    assertTrue(e.getMessage().contains("r.yaml:5:7: resources.stages.ppo.task_queu: unknown key"), e.getMessage());
  }
}
