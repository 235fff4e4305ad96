package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link Position} from its JSON text in one pass ({@link StreamingRecord}), for every consumer of positions:
 * the bridge passes the text on as it came ({@link EncodedJson}) and so needs it checked, not turned into a tree of
 * every field. Only the fields a position has are kept, and {@link Position#fromJson(JsonObject)} then checks them:
 * one set of rules for both ways in. Unlike a tree's parser, it refuses anything after the object, since browsers
 * would choke on it.
 */
public final class PositionReader {
  /** The top-level fields {@link Position#fromJson(JsonObject)} reads, and those of its point; any other is passed over. */
  private static final StreamingRecord.Shape SHAPE = new StreamingRecord.Shape(
      Set.of("deliveryId", "routeId", "clientId", "seq", "position", "finished", "timestamp", "deviceId", "fixTime",
          "speed", "heading", "accuracy", "battery", "distanceRemainingMetres", "progress", "eta"),
      Map.of("position", Set.of("lat", "lon")), Set.of());

  private PositionReader() {
  }

  /** @throws InvalidMessageException as {@code Position.fromJson(Fields.parse(text))} would, naming the first bad field */
  public static Position read(String text) {
    return Position.fromJson(StreamingRecord.read(text, SHAPE));
  }
}
