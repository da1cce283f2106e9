package org.rlhfflow.store;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration for stored JSON: sorted keys, so equal content is equal bytes. */
public final class Json {

  /**
   * Sorted map keys make an index or manifest hash the same on every run; strict reading turns a
   * misspelt field into an error instead of a silent default. NaN is allowed: metrics can be NaN.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  /** Single-line output for JSON Lines files. */
  public static final ObjectMapper LINES =
      MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}
}
