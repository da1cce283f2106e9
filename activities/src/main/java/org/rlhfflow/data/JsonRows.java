package org.rlhfflow.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

/** The JSON settings every import reader shares: duplicate keys and trailing tokens are errors. */
final class JsonRows {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** For streaming a JSON array: its elements are read one by one, so trailing tokens are the next element. */
  static final ObjectMapper STREAM = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private JsonRows() {}

  static JsonNode requireObject(JsonNode node) throws LineRejected {
    if (!node.isObject()) {
      throw LineRejected.malformed("not_an_object", "expected a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return node;
  }
}
