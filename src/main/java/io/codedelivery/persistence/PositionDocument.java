package io.codedelivery.persistence;

import io.codedelivery.model.Position;
import io.vertx.core.json.JsonObject;

/**
 * How a position is stored: its wire JSON ({@link Position#toJson()}) under {@code _id} {@code deliveryId:seq}, with
 * the timestamp as a date so the store can compare and index it. The writer and the read side both go through here,
 * so the stored shape and the wire shape cannot drift apart.
 */
final class PositionDocument {
  private static final String ID = "_id";
  private static final String TIMESTAMP = "timestamp";

  private PositionDocument() {
  }

  /** The {@code _id} of one delivery's position {@code seq}: what makes writing it twice a no-op. */
  static String key(String deliveryId, long seq) {
    return keyPrefix(deliveryId) + seq;
  }

  /** What every {@link #key} of one delivery starts with. */
  static String keyPrefix(String deliveryId) {
    return deliveryId + ":";
  }

  static JsonObject idOf(Position position) {
    return new JsonObject().put(ID, key(position.deliveryId(), position.seq()));
  }

  /** The document without its {@code _id} (which the write addresses by, see {@link #idOf}). */
  static JsonObject toDocument(Position position) {
    return position.toJson().put(TIMESTAMP, Store.date(position.timestamp()));
  }

  /** A stored document back in the wire form the topic and the event bus carry. */
  static JsonObject toJson(JsonObject stored) {
    JsonObject json = stored.copy();
    json.remove(ID);
    return json.put(TIMESTAMP, Store.isoDate(stored.getValue(TIMESTAMP)));
  }
}
