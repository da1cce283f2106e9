package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.collect.PreferenceSpec.DatasetFormat;

class DatasetsTest {
  @TempDir Path dir;

  @Test
  void jsonlAndArrowGiveTheSameSftPairs() throws IOException {
    Path jsonl = dir.resolve("sft.jsonl");
    Files.writeString(jsonl, "{\"prompt\": \"a\", \"response\": \"b\"}\n{\"prompt\": \"c\", \"response\": \"d\"}\n");
    List<SftPair> fromJsonl = Datasets.sftPairs(jsonl);
    assertEquals(List.of(new SftPair("a", "b"), new SftPair("c", "d")), fromJsonl);
    Path arrow = dir.resolve("sft.arrow");
    ArrowDatasets.writeSftPairs(arrow, fromJsonl);
    assertEquals(fromJsonl, Datasets.sftPairs(arrow));
  }

  @Test
  void jsonlPromptsWithOptionalIds() throws IOException {
    Path jsonl = dir.resolve("p.jsonl");
    Files.writeString(jsonl, "{\"prompt\": \"a\", \"id\": \"1\"}\n{\"prompt\": \"b\"}\n");
    assertEquals(List.of(new Prompt("a", "1"), Prompt.of("b")), Datasets.prompts(jsonl));
  }

  @Test
  void badJsonlLineIsNamed() throws IOException {
    Path jsonl = dir.resolve("p.jsonl");
    Files.writeString(jsonl, "{\"prompt\": \"a\"}\n{\"id\": \"2\"}\n");
    DatasetException e = assertThrows(DatasetException.class, () -> Datasets.prompts(jsonl));
    assertEquals(jsonl + ": line 2: missing field \"prompt\"", e.getMessage());
  }

  @Test
  void preferencesFollowTheSpecFormat() throws IOException {
    Path jsonl = dir.resolve("p.jsonl");
    Files.writeString(jsonl, "{\"chosen\": \"\\n\\nHuman: a\\n\\nAssistant: b\", \"rejected\": \"\\n\\nHuman: a\\n\\nAssistant: c\"}\n");
    PreferencePair pair = Datasets.preferences(jsonl, DatasetFormat.HH).get(0);
    assertEquals("\n\nHuman: a\n\nAssistant:", pair.prompt());
    assertEquals(" b", pair.chosen());
    assertEquals("\n\nHuman: a\n\nAssistant:", Datasets.preferences(jsonl, DatasetFormat.TRL).get(0).prompt());
  }
}
