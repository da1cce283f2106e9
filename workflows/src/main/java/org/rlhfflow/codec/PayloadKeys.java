package org.rlhfflow.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.rlhfflow.store.Sha256;

/**
 * The AES-256 keys that encrypt Temporal payloads. {@code RLHF_PAYLOAD_KEY} is one base64 key; or
 * {@code RLHF_PAYLOAD_KEY_FILE} names a file of {@code id:base64} lines, the first the current key
 * and the rest older ones still accepted for decryption, so keys can rotate.
 *
 * <pre>{@code
 * PayloadKeys keys = PayloadKeys.fromEnv(System.getenv()); // null when encryption is off
 * }</pre>
 */
public record PayloadKeys(String currentId, Map<String, SecretKeySpec> keys) {
  public static final String ENV_KEY = "RLHF_PAYLOAD_KEY";
  public static final String ENV_FILE = "RLHF_PAYLOAD_KEY_FILE";

  /** The configured keys, or an empty set (encryption off; encrypted payloads then fail clearly). */
  public static PayloadKeys fromEnv(Map<String, String> env) {
    String key = env.get(ENV_KEY);
    String file = env.get(ENV_FILE);
    if (key != null && !key.isBlank()) {
      byte[] bytes = decode(key.strip(), ENV_KEY);
      return new PayloadKeys(idOf(bytes), Map.of(idOf(bytes), new SecretKeySpec(bytes, "AES")));
    }
    if (file != null && !file.isBlank()) {
      return fromFile(Path.of(file));
    }
    return new PayloadKeys(null, Map.of());
  }

  static PayloadKeys fromFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(ENV_FILE + ": cannot read " + file, e);
    }
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    String current = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected id:base64-key");
      }
      String id = line.substring(0, colon);
      keys.put(id, new SecretKeySpec(decode(line.substring(colon + 1), file + ":" + (i + 1)), "AES"));
      current = current == null ? id : current;
    }
    return new PayloadKeys(current, keys);
  }

  public boolean enabled() {
    return currentId != null;
  }

  /** A key id that names the key without revealing it: the first 12 hex digits of its sha256. */
  static String idOf(byte[] key) {
    return Sha256.hex(Sha256.newDigest().digest(key)).substring(0, 12);
  }

  private static byte[] decode(String base64, String where) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": not base64");
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException(where + ": an AES-256 key is 32 bytes, got " + bytes.length
          + " (make one with: head -c 32 /dev/urandom | base64)");
    }
    return bytes;
  }
}
