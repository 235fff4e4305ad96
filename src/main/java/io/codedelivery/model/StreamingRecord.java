package io.codedelivery.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Reads a record's JSON text in one pass of Jackson's streaming parser into the fields its {@code fromJson(JsonObject)}
 * checks, instead of a tree of every field: the stages read every record of their topic. Fields are kept in the types a
 * parsed {@link JsonObject} holds them, so one set of checks serves both ways in. A text that is not one JSON object,
 * with nothing but white space after it, is refused, as a text over {@link Fields#MAX_VALUE_CHARS}.
 */
final class StreamingRecord {
  /**
   * With Jackson's own fast double parser (correctly rounded, so the same doubles as the JDK's): the JDK's parse of a
   * coordinate's many digits took big-integer arithmetic and a string per number, the stages' largest allocation.
   */
  private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  /**
   * Which top-level fields are kept; of those that are objects, which keep only some fields of their own
   * ({@code objects}, anything else in them passed over) and which are kept whole ({@code whole}). Any other object
   * or array is kept empty, which no check of a scalar field accepts.
   */
  record Shape(Set<String> fields, Map<String, Set<String>> objects, Set<String> whole) {
  }

  private StreamingRecord() {
  }

  /** @throws InvalidMessageException as {@link Fields#parse} would, or for anything after the object */
  static JsonObject read(String text, Shape shape) {
    if (text == null) {
      throw new InvalidMessageException("empty value");
    }
    if (text.length() > Fields.MAX_VALUE_CHARS) {
      throw new InvalidMessageException("value of " + text.length() + " characters exceeds the limit of " + Fields.MAX_VALUE_CHARS);
    }
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidMessageException("not a JSON object");
      }
      JsonObject fields = readObject(parser, shape.fields(), shape);
      if (parser.nextToken() != null) {
        throw new InvalidMessageException("not a JSON object");
      }
      return fields;
    } catch (IOException e) {
      throw new InvalidMessageException("not a JSON object");
    }
  }

  /** The object the parser is in, {@code wanted} fields only; at the top level ({@code shape} not null), as it says. */
  private static JsonObject readObject(JsonParser parser, Set<String> wanted, Shape shape) throws IOException {
    JsonObject fields = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = parser.nextToken();
      if (!wanted.contains(name)) {
        parser.skipChildren();
      } else if (shape != null && token == JsonToken.START_OBJECT && shape.objects().containsKey(name)) {
        fields.put(name, readObject(parser, shape.objects().get(name), null));
      } else if (shape != null && shape.whole().contains(name)) {
        fields.put(name, whole(parser, token));
      } else {
        fields.put(name, value(parser, token));
      }
    }
    return fields;
  }

  /**
   * The value at the parser as a parsed JSON object holds it: a string, an Integer, Long or BigInteger, a Double,
   * a Boolean or null; for an object or an array, an empty one, its contents passed over.
   */
  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT -> parser.getIntValue();
        case LONG -> parser.getLongValue();
        default -> parser.getBigIntegerValue();
      };
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case START_OBJECT -> {
        parser.skipChildren();
        yield new JsonObject();
      }
      case START_ARRAY -> {
        parser.skipChildren();
        yield new JsonArray();
      }
      default -> null;
    };
  }

  /** The value at the parser with everything in it, as a parsed JSON object holds it. */
  private static Object whole(JsonParser parser, JsonToken token) throws IOException {
    if (token == JsonToken.START_OBJECT) {
      JsonObject object = new JsonObject();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        object.put(name, whole(parser, parser.nextToken()));
      }
      return object;
    }
    if (token == JsonToken.START_ARRAY) {
      JsonArray array = new JsonArray();
      for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
        array.add(whole(parser, element));
      }
      return array;
    }
    return value(parser, token);
  }
}
