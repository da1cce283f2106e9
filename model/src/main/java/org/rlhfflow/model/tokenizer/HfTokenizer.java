package org.rlhfflow.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's {@link HuggingFaceTokenizer}, without added
 * special tokens. GPT-2 has no pad token and one {@code <|endoftext|>} that serves as BOS and EOS;
 * {@link #gpt2(Path)} uses it as PAD too, which is safe because every batch carries a mask.
 *
 * <pre>{@code Tokenizer tok = HfTokenizer.gpt2(Path.of("tokenizer.json"));}</pre>
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
  public static final String FILE_NAME = "tokenizer.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final HuggingFaceTokenizer hf;
  private final int vocabSize;
  private final int bos;
  private final int eos;
  private final int pad;

  public HfTokenizer(Path file, int bos, int eos, int pad) throws IOException {
    this.file = file;
    this.vocabSize = vocabSize(JSON.readTree(file.toFile()), file);
    for (int id : new int[] {bos, eos, pad}) {
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException(
            "special id " + id + " outside vocab [0, " + vocabSize + ") of " + file);
      }
    }
    this.hf = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false).build();
    this.bos = bos;
    this.eos = eos;
    this.pad = pad;
  }

  /** GPT-2 convention: {@code <|endoftext|>} is BOS, EOS and PAD. */
  public static HfTokenizer gpt2(Path file) throws IOException {
    int eot = specialId(JSON.readTree(file.toFile()), "<|endoftext|>", file);
    return new HfTokenizer(file, eot, eot, eot);
  }

  static HfTokenizer fromDescription(JsonNode d, Path dir) throws IOException {
    Path file = dir.resolve(d.path("file").asText(FILE_NAME));
    return new HfTokenizer(file, d.path("bos").asInt(), d.path("eos").asInt(), d.path("pad").asInt());
  }

  /** Size of model.vocab plus added tokens beyond it (the id range the model must cover). */
  private static int vocabSize(JsonNode root, Path file) {
    JsonNode vocab = root.path("model").path("vocab");
    if (!vocab.isObject()) {
      throw new IllegalArgumentException(file + ": no object at model.vocab");
    }
    int max = -1;
    for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
      max = Math.max(max, id.asInt());
    }
    for (JsonNode t : root.path("added_tokens")) {
      max = Math.max(max, t.path("id").asInt());
    }
    return max + 1;
  }

  private static int specialId(JsonNode root, String content, Path file) {
    for (JsonNode t : root.path("added_tokens")) {
      if (content.equals(t.path("content").asText())) {
        return t.path("id").asInt();
      }
    }
    JsonNode id = root.path("model").path("vocab").get(content);
    if (id == null) {
      throw new IllegalArgumentException(file + ": no token '" + content + "'");
    }
    return id.asInt();
  }

  @Override
  public int[] encode(String text) {
    return Arrays.stream(hf.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
  }

  @Override
  public String decode(int[] ids) {
    long[] kept =
        Arrays.stream(ids).filter(i -> i != bos && i != eos && i != pad).asLongStream().toArray();
    return hf.decode(kept, false);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int bosId() {
    return bos;
  }

  @Override
  public int eosId() {
    return eos;
  }

  @Override
  public int padId() {
    return pad;
  }

  @Override
  public ObjectNode describe() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("type", "hf")
        .put("file", FILE_NAME)
        .put("bos", bos)
        .put("eos", eos)
        .put("pad", pad);
  }

  @Override
  public void saveFiles(Path dir) throws IOException {
    Path target = dir.resolve(FILE_NAME);
    if (!Files.exists(target) || !Files.isSameFile(file, target)) {
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    hf.close();
  }
}
