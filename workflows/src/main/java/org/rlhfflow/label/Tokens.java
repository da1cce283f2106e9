package org.rlhfflow.label;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.rlhfflow.store.Json;
import org.rlhfflow.store.Sha256;

/**
 * Annotator tokens. The tokens file holds one JSON object per line, {@code {"annotator": "alice",
 * "sha256": "...", "batches": "demo-*"}}: only the token's digest is stored, so the file (and
 * anything that logs it) never holds a usable token. Tokens never reach Temporal: the workflows see
 * the annotator id only.
 *
 * <pre>{@code
 * String token = Tokens.create(path, "alice", "*"); // printed once, to hand to alice
 * Optional<Tokens.Grant> who = Tokens.load(path).lookup(token);
 * }</pre>
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Who a token stands for and which batch ids (a glob, {@code *} for any) they may label. */
  public record Grant(String annotator, String batches) {
    public boolean allows(String batchId) {
      return glob(batches).matcher(batchId).matches();
    }
  }

  private final Map<String, Grant> bySha = new ConcurrentHashMap<>();

  /** Tokens held in memory only, e.g. for simulated annotators. */
  public Tokens() {}

  public static Tokens load(Path file) throws IOException {
    Tokens t = new Tokens();
    if (!Files.exists(file)) {
      return t;
    }
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        JsonNode n = Json.MAPPER.readTree(line);
        t.bySha.put(n.get("sha256").asText(), new Grant(n.get("annotator").asText(), n.path("batches").asText("*")));
      } catch (IOException | NullPointerException e) {
        throw new IOException(file + ":" + (i + 1) + ": not a token line {\"annotator\", \"sha256\", \"batches\"}");
      }
    }
    return t;
  }

  /** Makes a token for {@code annotator}, appends its digest to {@code file} and returns the token. */
  public static String create(Path file, String annotator, String batches) throws IOException {
    String token = newToken();
    Map<String, String> line = Map.of("annotator", checkName(annotator), "sha256", digest(token),
        "batches", batches);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, Json.LINES.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return token;
  }

  /** Adds a token in memory and returns it. */
  public String add(String annotator, String batches) {
    String token = newToken();
    bySha.put(digest(token), new Grant(checkName(annotator), batches));
    return token;
  }

  public Optional<Grant> lookup(String token) {
    if (token == null || token.isEmpty() || token.length() > 200) {
      return Optional.empty();
    }
    return Optional.ofNullable(bySha.get(digest(token)));
  }

  /** The CSRF token of a session: derived from its token, so the stateless server can check it. */
  public static String csrf(String token) {
    return digest("csrf:" + token).substring(0, 32);
  }

  public static boolean sameCsrf(String token, String offered) {
    return offered != null && MessageDigest.isEqual(csrf(token).getBytes(StandardCharsets.UTF_8),
        offered.getBytes(StandardCharsets.UTF_8));
  }

  public List<String> annotators() {
    return new ArrayList<>(bySha.values().stream().map(Grant::annotator).distinct().sorted().toList());
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String digest(String token) {
    return Sha256.hex(Sha256.newDigest().digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static String checkName(String annotator) {
    if (annotator == null || !NAME.matcher(annotator).matches()) {
      throw new IllegalArgumentException("annotator name: \"" + annotator
          + "\" is not 1-64 letters, digits, '.', '_' or '-'");
    }
    return annotator;
  }

  private static Pattern glob(String g) {
    StringBuilder re = new StringBuilder();
    for (char c : g.toCharArray()) {
      re.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString());
  }
}
