package org.rlhfflow.tracking;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.rlhfflow.store.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's limits and our secret filter, applied the same way by every tracker so local files
 * and the server hold the same thing.
 */
public final class TrackingValues {

  private static final Logger log = LoggerFactory.getLogger(TrackingValues.class);

  /**
   * MLflow's portable key rule (mlflow/utils/validation.py, the Windows variant: no colon): these
   * characters, at most 250 of them, and the key must be a normalised path.
   */
  static final Pattern KEY = Pattern.compile("[\\w\\-. /]{1,250}");

  /**
   * MLflow 2.17 accepts 6000 chars (MAX_PARAM_VAL_LENGTH) but MLflow 1.x servers reject more than
   * 500; we keep to 500 so any server takes every param and the UI table stays readable.
   */
  public static final int MAX_PARAM_VALUE = 500;

  static final String TRUNCATED = "...[truncated]";

  static final Set<String> STATUSES = Set.of("FINISHED", "FAILED", "KILLED");

  private static final String[] SECRET_MARKERS = {"secret", "password", "access_key", "token"};

  private TrackingValues() {}

  /** A run id both trackers derive from the run's identity, so a retry finds its run. */
  public static String runKey(String experiment, String runName, String parentRunId) {
    String parent = parentRunId == null ? "" : parentRunId;
    String id = experiment + "\u0000" + runName + "\u0000" + parent;
    return Sha256.hex(id.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  /**
   * Whether a key names a secret: a marker must be a whole word ({@code s3_secret_key},
   * {@code api.token}), so {@code model.tokenizer} and {@code ppo.max_new_tokens} are not secrets.
   */
  public static boolean isSecret(String key) {
    String k = "_" + key.toLowerCase(Locale.ROOT).replaceAll("[-./]", "_") + "_";
    for (String marker : SECRET_MARKERS) {
      if (k.contains("_" + marker + "_")) {
        return true;
      }
    }
    return false;
  }

  public static String checkKey(String key, String what) {
    if (key == null || !KEY.matcher(key).matches() || !normalisedPath(key)) {
      throw new IllegalArgumentException(
          what
              + " key must be 1-250 of letters, digits, _ - . / and space, with no empty, '.' or"
              + " '..' path segment; got: '" + key + "'");
    }
    return key;
  }

  /** MLflow may store keys as file names, so it refuses "a//b", "./a" or "a/" (path_not_unique). */
  private static boolean normalisedPath(String key) {
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Params or tags ready to log: secrets dropped, keys checked, long values cut to {@link
   * #MAX_PARAM_VALUE} chars with a marker and a warning.
   */
  public static Map<String, String> clean(Map<String, String> values, String what) {
    Map<String, String> out = new TreeMap<>();
    if (values == null) {
      return out;
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = checkKey(e.getKey(), what);
      if (isSecret(key)) {
        log.warn("not logging {} '{}': its name marks it as a secret", what, key);
        continue;
      }
      out.put(key, truncate(key, e.getValue() == null ? "" : e.getValue(), what));
    }
    return out;
  }

  private static String truncate(String key, String value, String what) {
    if (value.length() <= MAX_PARAM_VALUE) {
      return value;
    }
    log.warn("{} '{}' is {} chars; truncated to {}", what, key, value.length(), MAX_PARAM_VALUE);
    return value.substring(0, MAX_PARAM_VALUE - TRUNCATED.length()) + TRUNCATED;
  }

  public static String checkStatus(String status) {
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException(
          "run status must be one of " + STATUSES + ", got: " + status);
    }
    return status;
  }
}
