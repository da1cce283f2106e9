package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weak-to-strong datasets: Arrow or JSONL with text and a binary label, anything else named precisely. */
class LabelledTextsTest {
  @TempDir Path tmp;

  private Path arrow(String name, List<Object[]> rows) throws Exception {
    Path file = tmp.resolve(name);
    ArrowTables.write(file, List.of(Column.required("text", Column.Kind.UTF8), Column.required("label",
        Column.Kind.FLOAT64)), "labelled text", rows, r -> r);
    return file;
  }

  @Test
  void readsArrowAndJsonlWithBinaryLabels() throws Exception {
    Path a = arrow("ok.arrow", List.of(new Object[] {"good", 1.0}, new Object[] {"bad", 0.0}));
    assertEquals(List.of(new LabelledText("good", 1), new LabelledText("bad", 0)), LabelledTexts.read(a));
    Path j = Files.writeString(tmp.resolve("ok.jsonl"),
        "{\"text\": \"x\", \"label\": true}\n{\"text\": \"y\", \"label\": 0}\n{\"text\": \"z\", \"label\": 1.0}\n");
    assertEquals(List.of(1, 0, 1), LabelledTexts.read(j).stream().map(LabelledText::label).toList());
  }

  @Test
  void aNonBinaryLabelNamesTheFileRowOrLineAndField() throws Exception {
    Path a = arrow("soft.arrow", List.of(new Object[] {"good", 1.0}, new Object[] {"meh", 0.5}));
    DatasetException e = assertThrows(DatasetException.class, () -> LabelledTexts.read(a));
    assertTrue(e.getMessage().endsWith("soft.arrow: row 1: field \"label\" must be binary (0 or 1, or true/false), got 0.5"),
        e.getMessage());
    Path j = Files.writeString(tmp.resolve("words.jsonl"), "{\"text\": \"x\", \"label\": \"positive\"}\n");
    e = assertThrows(DatasetException.class, () -> LabelledTexts.read(j));
    assertTrue(e.getMessage().contains("words.jsonl: line 1: field \"label\" must be binary"), e.getMessage());
    Path noText = Files.writeString(tmp.resolve("no-text.jsonl"), "{\"label\": 1}\n");
    e = assertThrows(DatasetException.class, () -> LabelledTexts.read(noText));
    assertTrue(e.getMessage().contains("line 1: field \"text\" is missing or not a string"), e.getMessage());
  }
}
