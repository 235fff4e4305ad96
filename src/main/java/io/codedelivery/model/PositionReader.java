package io.codedelivery.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Set;

/**
 * Reads a {@link Position} from its JSON text in one pass of Jackson's streaming parser, for a consumer that passes
 * the text on as it came (the bridge: see {@link EncodedJson}) and so needs it checked, not turned into a tree of
 * every field. Only the fields a position has are kept, in the types a parsed {@link JsonObject} would hold them,
 * and {@link Position#fromJson(JsonObject)} then checks them: one set of rules for both ways in. A text that is not
 * one JSON object, with nothing but white space after it, is refused, as a text over {@link Fields#MAX_VALUE_CHARS}.
 */
public final class PositionReader {
  private static final JsonFactory JSON = new JsonFactory();
  /** The top-level fields {@link Position#fromJson(JsonObject)} reads; any other is passed over. */
  private static final Set<String> FIELDS = Set.of("deliveryId", "routeId", "clientId", "seq", "position", "finished",
      "timestamp", "deviceId", "fixTime", "speed", "heading", "accuracy", "battery", "distanceRemainingMetres",
      "progress", "eta");
  private static final Set<String> POINT_FIELDS = Set.of("lat", "lon");

  private PositionReader() {
  }

  /** @throws InvalidMessageException as {@code Position.fromJson(Fields.parse(text))} would, naming the first bad field */
  public static Position read(String text) {
    if (text == null) {
      throw new InvalidMessageException("empty value");
    }
    if (text.length() > Fields.MAX_VALUE_CHARS) {
      throw new InvalidMessageException("value of " + text.length() + " characters exceeds the limit of " + Fields.MAX_VALUE_CHARS);
    }
    JsonObject fields;
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidMessageException("not a JSON object");
      }
      fields = readObject(parser, FIELDS, true);
      if (parser.nextToken() != null) {
        throw new InvalidMessageException("not a JSON object");
      }
    } catch (IOException e) {
      throw new InvalidMessageException("not a JSON object");
    }
    return Position.fromJson(fields);
  }

  /** The object the parser is in, {@code wanted} fields only; the point of a position ({@code position}) read too. */
  private static JsonObject readObject(JsonParser parser, Set<String> wanted, boolean topLevel) throws IOException {
    JsonObject fields = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = parser.nextToken();
      if (!wanted.contains(name)) {
        parser.skipChildren();
      } else if (topLevel && name.equals("position") && token == JsonToken.START_OBJECT) {
        fields.put(name, readObject(parser, POINT_FIELDS, false));
      } else {
        fields.put(name, value(parser, token));
      }
    }
    return fields;
  }

  /**
   * The value at the parser as a parsed JSON object holds it: a string, an Integer, Long or BigInteger, a Double,
   * a Boolean or null; for an object or an array, an empty one (which no check of a position's scalar fields
   * accepts), its contents passed over.
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
}
