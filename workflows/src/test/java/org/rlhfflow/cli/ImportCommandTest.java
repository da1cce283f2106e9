package org.rlhfflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.PreferencePair;
import picocli.CommandLine;

class ImportCommandTest {
  @TempDir Path dir;

  private static int run(String... args) {
    return new CommandLine(new Rlhf()).execute(args);
  }

  @Test
  void importsWithFieldMapping() throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"q\": \"p\", \"good\": \"c\", \"bad\": \"r\", \"m\": 0.5}\n");
    Path out = dir.resolve("out.arrow");
    int code = run("import", "--format", "trl", in.toString(), "--out", out.toString(),
        "--prompt-field", "q", "--chosen-field", "good", "--rejected-field", "bad", "--margin-field", "m");
    assertEquals(0, code);
    assertEquals(
        List.of(new PreferencePair("p", "c", "r", 0.5, "trl", null, List.of())), ArrowDatasets.readPreferences(out));
  }

  @Test
  void badLineIsAUserErrorWithExitCodeTwoAndNoOutput() throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}\nnot json\n");
    Path out = dir.resolve("out.arrow");
    assertEquals(2, run("import", "--format", "trl", in.toString(), "--out", out.toString()));
    assertFalse(Files.exists(out));
    assertEquals(0, run("import", "--format", "trl", in.toString(), "--out", out.toString(), "--on-bad-line", "skip"));
    assertEquals(1, ArrowDatasets.readPreferences(out).size());
  }

  @Test
  void labelFieldSwapsAndEmptyInputNeedsAllowEmpty() throws IOException {
    Path in = dir.resolve("labelled.json");
    Files.writeString(in, "[{\"prompt\": \"p\", \"output_1\": \"a\", \"output_2\": \"b\", \"label\": 2}]");
    Path out = dir.resolve("out.arrow");
    assertEquals(0, run("import", "--format", "trl", in.toString(), "--out", out.toString(),
        "--chosen-field", "output_1", "--rejected-field", "output_2", "--label-field", "label"));
    assertEquals(List.of(new PreferencePair("p", "b", "a", null, "trl", null, List.of())), ArrowDatasets.readPreferences(out));
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "");
    Path none = dir.resolve("none.arrow");
    assertEquals(2, run("import", "--format", "trl", empty.toString(), "--out", none.toString()));
    assertFalse(Files.exists(none));
    assertEquals(0, run("import", "--format", "trl", empty.toString(), "--out", none.toString(), "--allow-empty"));
    assertEquals(List.of(), ArrowDatasets.readPreferences(none));
  }

  @Test
  void ratedRowsWithAllPairs() throws IOException {
    Path in = dir.resolve("uf.jsonl");
    Files.writeString(in, "{\"instruction\": \"q\", \"completions\": [{\"response\": \"a\", \"overall_score\": 1},"
        + " {\"response\": \"b\", \"overall_score\": 3}, {\"response\": \"c\", \"overall_score\": 2}]}\n");
    Path out = dir.resolve("uf.arrow");
    assertEquals(0, run("import", "--format", "ultrafeedback", in.toString(), "--out", out.toString(), "--pairs", "all-above-gap"));
    assertEquals(List.of("b>a", "c>a", "b>c"),
        ArrowDatasets.readPreferences(out).stream().map(p -> p.chosen() + ">" + p.rejected()).toList());
    assertEquals(2, run("import", "--format", "rated", in.toString(), "--out", out.toString(), "--pairs", "best"));
  }

  @Test
  void chatTemplateFromATokenizerDirectory() throws IOException {
    Path tok = Files.createDirectories(dir.resolve("tok"));
    Files.writeString(tok.resolve("tokenizer_config.json"), "{\"chat_template\": \"{% for m in messages %}[{{ m.role }}] {{ m.content }}\\n"
        + "{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}\"}");
    Path in = dir.resolve("conv.jsonl");
    Files.writeString(in, "{\"prompt\": [{\"role\": \"user\", \"content\": \"hi\"}],"
        + " \"chosen\": [{\"role\": \"assistant\", \"content\": \"yes\"}], \"rejected\": [{\"role\": \"assistant\", \"content\": \"no\"}]}\n");
    Path out = dir.resolve("conv.arrow");
    assertEquals(0, run("import", "--format", "trl", in.toString(), "--out", out.toString(), "--chat-template", tok.toString()));
    assertEquals(List.of(new PreferencePair("[user] hi\n[assistant]", " yes\n", " no\n", null, "trl", null, List.of())),
        ArrowDatasets.readPreferences(out));
    assertEquals(2, run("import", "--format", "trl", in.toString(), "--out", out.toString(), "--chat-template", dir.resolve("x").toString()));
  }

  @Test
  void unknownFormatIsAUsageError() {
    assertEquals(2, run("import", "--format", "csv", "x.jsonl", "--out", "y.arrow"));
  }

  @Test
  void specCommands() throws IOException {
    assertEquals(0, run("spec", "reference"));
    Path demo = Path.of(System.getProperty("rlhf.repo.root", "..")).resolve("experiments/demo.yaml");
    assertEquals(0, run("spec", "check", demo.toString()));
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "name: x\nppo:\n  kl_cof: 1\n");
    assertEquals(1, run("spec", "check", bad.toString()));
  }
}
