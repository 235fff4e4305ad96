package io.codedelivery.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Reads required fields of incoming JSON, failing with a reason that names the field. */
public final class Fields {
  /** Far above any real message (a position is about 250 characters); a bigger value is refused unread. */
  public static final int MAX_VALUE_CHARS = 16 * 1024;
  /**
   * Jackson's streaming generator, without databind: with jackson-databind on the class path, {@link JsonObject#encode()}
   * goes through an ObjectMapper, which sets up a serializer provider for every call. The same text, for a third of the
   * work; the stages encode every record they produce.
   */
  private static final JacksonCodec STREAMING = new JacksonCodec();

  private Fields() {
  }

  /** The text of a record's value, as {@link JsonObject#encode()} writes it. */
  public static String encode(JsonObject json) {
    return STREAMING.toString(json, false);
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

  /** Writes an optional measurement only when there is one, so an absent reading stays absent rather than null. */
  static void putIfPresent(JsonObject json, String field, Double value) {
    if (value != null) {
      json.put(field, value);
    }
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
      return parseInstant(string(json, field));
    } catch (DateTimeParseException e) {
      throw new InvalidMessageException("'" + field + "' must be an ISO-8601 instant");
    }
  }

  /**
   * {@link Instant#parse}, with a fast path for the form {@link Instant#toString()} writes ({@code 2026-12-01T06:10:00Z},
   * with 0, 3, 6 or 9 fraction digits): the JDK's general ISO parser was the largest cost of our own code on the event
   * loops when the devices benchmark ran (two instants per fix in ingestion and tracking, one or two per position in
   * the bridge). Anything else, and every refusal, is the JDK's.
   */
  static Instant parseInstant(String text) {
    int length = text.length();
    boolean canonical = (length == 20 || length == 24 || length == 27 || length == 30) && text.charAt(4) == '-'
        && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':'
        && text.charAt(length - 1) == 'Z' && (length == 20 || text.charAt(19) == '.');
    if (canonical) {
      int hour = digits(text, 11, 13);
      int minute = digits(text, 14, 16);
      int second = digits(text, 17, 19);
      int fraction = length == 20 ? 0 : digits(text, 20, length - 1);
      if (hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && fraction >= 0) {
        try {
          long day = LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10)).toEpochDay();
          long nanos = fraction * (length == 20 ? 0 : NANOS_PER_FRACTION_UNIT[length - 21]);
          return Instant.ofEpochSecond(day * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
          // not a date (a 30th of February, a year the digits did not give): the JDK says why
        }
      }
    }
    return Instant.parse(text);
  }

  /** Nanoseconds in one unit of a fraction of 3, 6 or 9 digits, by digit count. */
  private static final long[] NANOS_PER_FRACTION_UNIT = {0, 0, 0, 1_000_000, 0, 0, 1_000, 0, 0, 1};

  /** The decimal number in text[from, to), or -1 if a character there is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Echoes user input in an error message without letting a huge value flood the answer or the log. */
  public static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
