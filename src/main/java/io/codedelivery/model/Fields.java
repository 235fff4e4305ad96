package io.codedelivery.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads required fields of incoming JSON, failing with a reason that names the field. */
public final class Fields {
  /** Far above any real message (a position is about 250 characters); a bigger value is refused unread. */
  public static final int MAX_VALUE_CHARS = 16 * 1024;

  private Fields() {
  }

  /** @throws InvalidMessageException when the text is not one JSON object */
  public static JsonObject parse(String json) {
    if (json == null) {
      throw new InvalidMessageException("empty value");
    }
    if (json.length() > MAX_VALUE_CHARS) {
      throw new InvalidMessageException("value of " + json.length() + " characters exceeds the limit of " + MAX_VALUE_CHARS);
    }
    try {
      return new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidMessageException("not a JSON object");
    }
  }

  static String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidMessageException("'" + field + "' must be a non-empty string");
    }
    return text;
  }

  static String optionalString(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new InvalidMessageException("'" + field + "' must be a string when present");
    }
    return (String) value;
  }

  static String deliveryId(JsonObject json, String field) {
    String value = string(json, field);
    if (!DeliveryId.isValid(value)) {
      throw new InvalidMessageException("'" + field + "' must be a lower-case UUID");
    }
    return value;
  }

  static long nonNegativeLong(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0) {
      throw new InvalidMessageException("'" + field + "' must be a whole number ≥ 0");
    }
    return ((Number) value).longValue();
  }

  static double number(JsonObject json, String field, double min, double max) {
    Object value = json.getValue(field);
    if (!(value instanceof Number number) || !(number.doubleValue() >= min && number.doubleValue() <= max)) {
      throw new InvalidMessageException("'" + field + "' must be a number from " + min + " to " + max);
    }
    return number.doubleValue();
  }

  /** A number within [min, max], or {@code null} when the field is absent. */
  static Double optionalNumber(JsonObject json, String field, double min, double max) {
    return json.getValue(field) == null ? null : number(json, field, min, max);
  }

  static boolean bool(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Boolean flag)) {
      throw new InvalidMessageException("'" + field + "' must be true or false");
    }
    return flag;
  }

  static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonObject object)) {
      throw new InvalidMessageException("'" + field + "' must be an object");
    }
    return object;
  }

  static Instant instant(JsonObject json, String field) {
    try {
      return Instant.parse(string(json, field));
    } catch (DateTimeParseException e) {
      throw new InvalidMessageException("'" + field + "' must be an ISO-8601 instant");
    }
  }

  /** Echoes user input in an error message without letting a huge value flood the answer or the log. */
  public static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
