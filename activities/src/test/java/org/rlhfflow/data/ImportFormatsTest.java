package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.data.ImportOptions.OnBadLine;
import org.rlhfflow.data.ImportOptions.Pairing;
import org.rlhfflow.data.ImportOptions.Ratings;

/** The preference layouts of issue 9 on small fixtures, each with a bad row. */
class ImportFormatsTest {
  @TempDir Path dir;

  private Path file(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static PreferenceImporter.Result skip(Path in, ImportOptions options) {
    return PreferenceImporter.read(in, options.withOnBadLine(OnBadLine.SKIP));
  }

  private static String failure(Path in, ImportOptions options) {
    return assertThrows(DatasetException.class, () -> PreferenceImporter.read(in, options)).getMessage();
  }

  private static PreferencePair pair(String prompt, String chosen, String rejected) {
    return new PreferencePair(prompt, chosen, rejected, null, "trl", null, List.of());
  }

  @Test
  void emptyInputFailsNamingTheFileUnlessAllowed() throws IOException {
    Path in = dir.resolve("empty.jsonl");
    Files.writeString(in, "");
    assertEquals(in + ": no rows: the input is empty; pass --allow-empty to write an empty dataset", failure(in, ImportOptions.trl()));
    assertEquals(List.of(), PreferenceImporter.read(in, ImportOptions.trl().withAllowEmpty(true)).pairs());
  }

  @Test
  void allRowsSkippedFailsToo() throws IOException {
    Path in = file("same.jsonl", "{\"prompt\": \"p\", \"chosen\": \"x\", \"rejected\": \"x\"}");
    assertTrue(failure(in, ImportOptions.trl()).startsWith(in + ": no pairs: all 1 rows were skipped {identical_responses=1}"));
  }

  @Test
  void jsonArrayIsToldFromJsonlByContent() throws IOException {
    Path in = file("pairs.json",
        "  [",
        "  {\"prompt\": \"2+2=\", \"chosen\": \" 4\", \"rejected\": \" 5\"},",
        "  {\"prompt\": \"Sky?\", \"chosen\": \" blue\"},",
        "  {\"prompt\": \"Hi\", \"chosen\": \" hello\", \"rejected\": \" go\"}",
        "]");
    assertEquals(in + ": element 2 (line 3): missing field \"rejected\" (use --on-bad-line skip to skip such rows)",
        failure(in, ImportOptions.trl()));
    PreferenceImporter.Result r = skip(in, ImportOptions.trl());
    assertEquals(List.of(pair("2+2=", " 4", " 5"), pair("Hi", " hello", " go")), r.pairs());
    assertEquals(3, r.report().rowsRead());
    assertEquals(Map.of("missing_field", 1L), r.report().skipped());
  }

  @Test
  void brokenJsonArrayFailsWithItsLineEvenInSkipMode() throws IOException {
    Path in = file("broken.json", "[{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"},", "{\"prompt\": }]");
    String message = assertThrows(DatasetException.class, () -> skip(in, ImportOptions.trl())).getMessage();
    assertTrue(message.startsWith(in + ": line 2, column "), message);
  }

  @Test
  void conversationalRowsAreRenderedWithTheDefaultTemplate() throws IOException {
    Path in = file("conv.jsonl",
        "{\"prompt\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"2+2?\"}],"
            + " \"chosen\": [{\"role\": \"assistant\", \"content\": \"4\"}], \"rejected\": [{\"role\": \"assistant\", \"content\": \"5\"}]}",
        "{\"prompt\": [{\"role\": \"user\", \"content\": \"hi\"}], \"chosen\": [{\"role\": \"robot\", \"content\": \"x\"}],"
            + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"y\"}]}");
    assertEquals(in + ": line 2: unknown role \"robot\" (expected system, user or assistant) (use --on-bad-line skip to skip such rows)",
        failure(in, ImportOptions.trl()));
    PreferenceImporter.Result r = skip(in, ImportOptions.trl());
    assertEquals(List.of(pair("\n\nSystem: Be brief.\n\nHuman: 2+2?\n\nAssistant:", " 4", " 5")), r.pairs());
    assertEquals("explicit field \"prompt\", messages rendered by chat template the default (HH-RLHF Human/Assistant)",
        r.report().promptMode());
  }

  @Test
  void implicitConversationsShareWholeMessages() throws IOException {
    Path in = file("implicit-conv.jsonl",
        "{\"chosen\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}],"
            + " \"rejected\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"go away\"}]}",
        "{\"chosen\": [{\"role\": \"user\", \"content\": \"a\"}], \"rejected\": [{\"role\": \"user\", \"content\": \"b\"}]}");
    PreferenceImporter.Result r = skip(in, ImportOptions.trl());
    assertEquals(List.of(pair("\n\nHuman: hi\n\nAssistant:", " hello", " go away")), r.pairs());
    assertEquals(Map.of("no_shared_prompt", 1L), r.report().skipped());
  }

  @Test
  void anyChatTemplateCanRenderConversations() throws IOException {
    ChatTemplate chatml = (messages, generation) -> {
      StringBuilder out = new StringBuilder();
      messages.forEach(m -> out.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n"));
      return generation ? out + "<|im_start|>assistant\n" : out.toString();
    };
    Path in = file("chatml.jsonl",
        "{\"prompt\": \"hi\", \"chosen\": [{\"role\": \"assistant\", \"content\": \"hello\"}],"
            + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"no\"}]}");
    assertEquals(
        List.of(pair("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", "hello<|im_end|>\n", "no<|im_end|>\n")),
        PreferenceImporter.read(in, ImportOptions.trl().withChatTemplate(chatml)).pairs());
  }

  @Test
  void aTokenizersOwnJinjaTemplateRendersConversations() throws IOException {
    Path tok = Files.createDirectories(dir.resolve("tok"));
    Files.writeString(tok.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\", \"chat_template\":"
        + " \"{% for m in messages %}{% if m.role == 'robot' %}{{ raise_exception('no robots') }}{% endif %}"
        + "<|im_start|>{{ m.role }}\\n{{ m.content }}{{ eos_token }}\\n{% endfor %}"
        + "{% if add_generation_prompt %}<|im_start|>assistant\\n{% endif %}\"}");
    Path in = file("jinja.jsonl",
        "{\"prompt\": [{\"role\": \"user\", \"content\": \"hi {{ 7*7 }}\"}], \"chosen\": [{\"role\": \"assistant\", \"content\": \"hello\"}],"
            + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"no\"}]}",
        "{\"prompt\": [{\"role\": \"robot\", \"content\": \"x\"}], \"chosen\": [{\"role\": \"assistant\", \"content\": \"a\"}],"
            + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"b\"}]}");
    PreferenceImporter.Result r = skip(in, ImportOptions.trl().withChatTemplate(ChatTemplate.ofTokenizer(tok)));
    // a "{{ ... }}" inside a message is text, never code
    assertEquals(List.of(pair("<|im_start|>user\nhi {{ 7*7 }}<|im_end|>\n<|im_start|>assistant\n", "hello<|im_end|>\n", "no<|im_end|>\n")),
        r.pairs());
    assertEquals(Map.of("bad_message", 1L), r.report().skipped());
    assertTrue(r.report().firstBadLines().get(0).reason().contains("no robots"), r.report().table());
    assertTrue(r.report().promptMode().contains("tokenizer_config.json [chat_template]"), r.report().promptMode());
    String missing = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.named(dir.resolve("none").toString())).getMessage();
    assertTrue(missing.contains("no such file"), missing);
  }

  @Test
  void aWinnerLabelOfTwoSwapsAndATieYieldsNoPair() throws IOException {
    Path in = file("labelled.jsonl",
        "{\"prompt\": \"q1\", \"output_1\": \"a\", \"output_2\": \"b\", \"label\": 1}",
        "{\"prompt\": \"q2\", \"output_1\": \"c\", \"output_2\": \"d\", \"label\": 2}",
        "{\"prompt\": \"q3\", \"output_1\": \"e\", \"output_2\": \"f\", \"label\": 0}",
        "{\"prompt\": \"q4\", \"output_1\": \"g\", \"output_2\": \"h\", \"label\": 3}");
    ImportOptions options = ImportOptions.trl().withFields("prompt", "output_1", "output_2", null).withLabelFields(List.of("label"));
    assertEquals(in + ": line 4: label field \"label\" is 3, expected 1, 2 or 0 (tie) (use --on-bad-line skip to skip such rows)",
        failure(in, options));
    PreferenceImporter.Result r = skip(in, options);
    assertEquals(List.of(pair("q1", "a", "b"), pair("q2", "d", "c")), r.pairs());
    assertEquals(Map.of("tie", 1L, "bad_label", 1L), r.report().skipped());
    assertEquals(null, r.report().annotatorAgreement());
  }

  @Test
  void severalAnnotatorsVoteAndTheirAgreementIsReported() throws IOException {
    Path in = file("annotators.jsonl",
        "{\"prompt\": \"q1\", \"response1\": \"a\", \"response2\": \"b\", \"a1\": 2, \"a2\": 2, \"a3\": 1}",
        "{\"prompt\": \"q2\", \"response1\": \"c\", \"response2\": \"d\", \"a1\": 1, \"a2\": 1, \"a3\": 1}",
        "{\"prompt\": \"q3\", \"response1\": \"e\", \"response2\": \"f\", \"a1\": 1, \"a2\": 2, \"a3\": 0}",
        "{\"prompt\": \"q4\", \"response1\": \"g\", \"response2\": \"h\", \"a1\": 1, \"a2\": 2}");
    ImportOptions options =
        ImportOptions.trl().withFields("prompt", "response1", "response2", null).withLabelFields(List.of("a1", "a2", "a3"));
    assertEquals(in + ": line 4: missing label field \"a3\" (use --on-bad-line skip to skip such rows)", failure(in, options));
    PreferenceImporter.Result r = skip(in, options);
    assertEquals(
        List.of(new PreferencePair("q1", "b", "a", null, "trl", null, List.of("agreement:2/3")),
            new PreferencePair("q2", "c", "d", null, "trl", null, List.of("agreement:3/3"))),
        r.pairs());
    assertEquals(Map.of("no_majority", 1L, "missing_field", 1L), r.report().skipped());
    assertEquals((2.0 / 3 + 1.0 + 1.0 / 3) / 3, r.report().annotatorAgreement(), 1e-12);
    assertTrue(r.report().table().contains("annotator agreement"), r.report().table());
  }

  private Path rated() throws IOException {
    return file("rated.jsonl",
        "{\"instruction\": \"q1\", \"completions\": [{\"response\": \"a\", \"overall_score\": 3}, {\"response\": \"b\", \"overall_score\": 9},"
            + " {\"response\": \"c\", \"overall_score\": 5}, {\"response\": \"d\", \"overall_score\": 8.5}]}",
        "{\"instruction\": \"q2\", \"completions\": [{\"response\": \"e\", \"overall_score\": 7}, {\"response\": \"f\", \"overall_score\": 7}]}",
        "{\"instruction\": \"q3\", \"completions\": [{\"response\": \"g\", \"overall_score\": \"N/A\"}]}");
  }

  @Test
  void ratedRowsGiveTheBestAgainstARandomLowerOne() throws IOException {
    Path in = rated();
    assertEquals(
        in + ": line 3: \"completions\"[0] needs a string \"response\" and a number \"overall_score\" (use --on-bad-line skip to skip such rows)",
        failure(in, ImportOptions.rated()));
    PreferenceImporter.Result r = skip(in, ImportOptions.rated());
    assertEquals(1, r.pairs().size());
    PreferencePair p = r.pairs().get(0);
    assertEquals("b", p.chosen());
    assertTrue(List.of("a", "c", "d").contains(p.rejected()), p.rejected());
    assertEquals(Map.of("no_score_gap", 1L, "bad_completion", 1L), r.report().skipped());
    assertEquals(r.pairs(), skip(in, ImportOptions.rated()).pairs(), "same file and seed, same pairs");
    // over seeds, the random other covers every lower completion
    java.util.Set<String> others = new java.util.TreeSet<>();
    for (long seed = 0; seed < 40; seed++) {
      Ratings ratings = new Ratings("completions", "response", "overall_score", Pairing.BEST_VS_RANDOM, 0, seed);
      others.add(skip(in, ImportOptions.rated().withRatings(ratings)).pairs().get(0).rejected());
    }
    assertEquals(java.util.Set.of("a", "c", "d"), others);
  }

  @Test
  void ratedRowsGiveAllPairsAboveTheGap() throws IOException {
    Ratings ratings = new Ratings("completions", "response", "overall_score", Pairing.ALL_ABOVE_GAP, 1.0, 0);
    PreferenceImporter.Result r = skip(rated(), ImportOptions.rated().withRatings(ratings));
    List<String> pairs = r.pairs().stream().map(p -> p.chosen() + ">" + p.rejected() + ":" + p.margin()).toList();
    assertEquals(List.of("b>a:6.0", "c>a:2.0", "d>a:5.5", "b>c:4.0", "d>c:3.5"), pairs); // b-d differ by 0.5 only
    assertEquals(5, r.report().rowsWritten());
    assertEquals(1, r.report().rowsPaired());
    assertEquals(r.report().rowsRead(), r.report().rowsPaired() + r.report().skippedTotal());
  }

  @Test
  void unpairedBinaryFeedbackIsRejectedWithAReason() throws IOException {
    Path in = file("kto.jsonl",
        "{\"prompt\": \"q\", \"completion\": \"a\", \"label\": true}",
        "{\"prompt\": \"q\", \"completion\": \"b\", \"label\": false}");
    String message = assertThrows(DatasetException.class, () -> skip(in, ImportOptions.trl())).getMessage();
    assertTrue(message.startsWith(in + ": line 1: unpaired binary feedback (prompt/completion/label, KTO's format) is not supported"), message);
  }
}
