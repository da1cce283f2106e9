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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's {@link HuggingFaceTokenizer}, without added
 * special tokens. GPT-2 has no pad token and one {@code <|endoftext|>} that serves as BOS and EOS;
 * {@link #gpt2(Path)} uses it as PAD too, which is safe because every batch carries a mask.
 *
 * <pre>{@code Tokenizer tok = HfTokenizer.gpt2(Path.of("tokenizer.json"));}</pre>
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
  public static final String FILE_NAME = "tokenizer.json";
  /** Special tokens and the chat template, beside tokenizer.json in a Hugging Face directory. */
  public static final String CONFIG_FILE = "tokenizer_config.json";
  /** Where Hugging Face lists the end-of-turn ids generation stops at. */
  public static final String GENERATION_FILE = "generation_config.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private HuggingFaceTokenizer hf;
  private boolean closed;
  private final int vocabSize;
  private final int bos;
  private final int eos;
  private final int pad;
  private final List<Integer> stops;
  /** Whether the stages apply tokenizer_config.json's chat template ({@link #chat()}). */
  private final boolean chatTemplate;
  private org.rlhfflow.model.chat.ChatFormat chat;

  public HfTokenizer(Path file, int bos, int eos, int pad) throws IOException {
    this(file, bos, eos, pad, List.of(eos));
  }

  /** @param stops ids that end a generated turn; eos is added first if missing */
  public HfTokenizer(Path file, int bos, int eos, int pad, List<Integer> stops) throws IOException {
    this(file, bos, eos, pad, stops, false);
  }

  /** @param chatTemplate apply tokenizer_config.json's chat template beside {@code file} (see {@link #chat()}) */
  HfTokenizer(Path file, int bos, int eos, int pad, List<Integer> stops, boolean chatTemplate) throws IOException {
    this.file = file;
    this.chatTemplate = chatTemplate;
    LinkedHashSet<Integer> s = new LinkedHashSet<>();
    s.add(eos);
    s.addAll(stops);
    this.stops = List.copyOf(s);
    this.vocabSize = vocabSize(JSON.readTree(file.toFile()), file);
    for (int id : new int[] {bos, eos, pad}) {
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException(
            "special id " + id + " outside vocab [0, " + vocabSize + ") of " + file);
      }
    }
    this.hf = open(file);
    this.bos = bos;
    this.eos = eos;
    this.pad = pad;
    for (int id : this.stops) {
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException("stop id " + id + " outside vocab [0, " + vocabSize + ") of " + file);
      }
    }
  }

  private static HuggingFaceTokenizer open(Path file) throws IOException {
    return HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false).build();
  }

  /**
   * The native tokenizer, reopened if this one was closed: a reward model or critic built from a
   * language model shares its tokenizer and may outlive it (the stage closes the SFT model after
   * copying its weights), so closing frees the native memory without breaking the sharer.
   */
  private synchronized HuggingFaceTokenizer engine() {
    if (closed) {
      try {
        hf = open(file);
      } catch (IOException e) {
        throw new IllegalStateException("reopening " + file, e);
      }
      closed = false;
    }
    return hf;
  }

  /** GPT-2 convention: {@code <|endoftext|>} is BOS, EOS and PAD. */
  public static HfTokenizer gpt2(Path file) throws IOException {
    int eot = specialId(JSON.readTree(file.toFile()), "<|endoftext|>", file);
    return new HfTokenizer(file, eot, eot, eot);
  }

  /**
   * The tokenizer of a Hugging Face model directory: tokenizer.json, with BOS, EOS and PAD named by
   * tokenizer_config.json. A missing BOS (Qwen2 has none) falls back to PAD, a missing PAD to EOS,
   * so that every row can still start with a token and every batch can be padded under its mask.
   */
  public static HfTokenizer fromPretrained(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    Path cfgFile = dir.resolve(CONFIG_FILE);
    JsonNode root = JSON.readTree(file.toFile());
    JsonNode cfg = Files.exists(cfgFile) ? JSON.readTree(cfgFile.toFile()) : JSON.createObjectNode();
    String eosName = tokenName(cfg, "eos_token");
    if (eosName == null) {
      throw new IllegalArgumentException(cfgFile + " [eos_token]: missing; cannot stop generation");
    }
    int eos = specialId(root, eosName, file);
    String padName = tokenName(cfg, "pad_token");
    int pad = padName == null ? eos : specialId(root, padName, file);
    String bosName = tokenName(cfg, "bos_token");
    int bos = bosName == null ? pad : specialId(root, bosName, file);
    return new HfTokenizer(file, bos, eos, pad, generationStops(dir.resolve(GENERATION_FILE)),
        org.rlhfflow.model.chat.ChatTemplate.present(dir));
  }

  /** generation_config.json's eos_token_id, a number or a list; empty when absent. */
  static List<Integer> generationStops(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    JsonNode ids = JSON.readTree(file.toFile()).path("eos_token_id");
    List<Integer> out = new ArrayList<>();
    if (ids.isInt()) {
      out.add(ids.asInt());
    }
    for (JsonNode id : ids.isArray() ? ids : JSON.createArrayNode()) {
      out.add(id.asInt());
    }
    return out;
  }

  /** A special token's text, given as a string or as {"content": ...}; null when absent. */
  static String tokenName(JsonNode cfg, String field) {
    JsonNode n = cfg.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    return n.isObject() ? n.path("content").asText(null) : n.asText();
  }

  /** The id of the added or vocabulary token {@code content} in {@code file}. */
  public int tokenId(String content) {
    try {
      return specialId(JSON.readTree(file.toFile()), content, file);
    } catch (IOException e) {
      throw new IllegalStateException("re-reading " + file, e);
    }
  }

  static HfTokenizer fromDescription(JsonNode d, Path dir) throws IOException {
    Path file = dir.resolve(d.path("file").asText(FILE_NAME));
    List<Integer> stops = new ArrayList<>();
    d.path("stops").forEach(id -> stops.add(id.asInt()));
    int eos = d.path("eos").asInt();
    return new HfTokenizer(file, d.path("bos").asInt(), eos, d.path("pad").asInt(), stops,
        d.path("chat_template").asBoolean(false));
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
    return Arrays.stream(engine().encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
  }

  @Override
  public String decode(int[] ids) {
    long[] kept =
        Arrays.stream(ids).filter(i -> i != bos && i != eos && i != pad).asLongStream().toArray();
    return engine().decode(kept, false);
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
  public List<Integer> stopIds() {
    return stops;
  }

  @Override
  public ObjectNode describe() {
    ObjectNode d =
        JsonNodeFactory.instance
            .objectNode()
            .put("type", "hf")
            .put("file", FILE_NAME)
            .put("bos", bos)
            .put("eos", eos)
            .put("pad", pad);
    if (stops.size() > 1) { // only then, so GPT-2 descriptions stay as they were
      stops.forEach(d.putArray("stops")::add);
    }
    if (chatTemplate) { // likewise: only a Llama-family checkpoint's tokenizer with a template
      d.put("chat_template", true);
    }
    return d;
  }


  /** Copies tokenizer.json, and tokenizer_config.json (the chat template) when there is one. */
  @Override
  public void saveFiles(Path dir) throws IOException {
    copy(file, dir.resolve(FILE_NAME));
    Path cfg = file.resolveSibling(CONFIG_FILE);
    if (Files.exists(cfg)) {
      copy(cfg, dir.resolve(CONFIG_FILE));
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.exists(to) || !Files.isSameFile(from, to)) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The checkpoint's chat template as the stages apply it, or null when this tokenizer has none
   * (GPT-2, or a Llama-family tokenizer_config.json without chat_template). Parsed on first use.
   */
  @Override
  public synchronized org.rlhfflow.model.chat.ChatFormat chat() {
    if (chatTemplate && chat == null) {
      try {
        chat = new org.rlhfflow.model.chat.ChatFormat(
            org.rlhfflow.model.chat.ChatTemplate.fromTokenizerConfig(file.resolveSibling(CONFIG_FILE)));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("reading " + file.resolveSibling(CONFIG_FILE), e);
      }
    }
    return chat;
  }

  /** tokenizer.json's directory, where tokenizer_config.json sits when there is one. */
  public Path directory() {
    return file.toAbsolutePath().getParent();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      hf.close();
      closed = true;
    }
  }
}
