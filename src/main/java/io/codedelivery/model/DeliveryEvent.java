package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Something that happened to a delivery: the value of {@link Topics#DELIVERY_EVENTS}, keyed by delivery id,
 * {@code {"eventId","deliveryId","type","at","position"?,"details"?}}. {@code at} is when it happened (the time of the
 * position that showed it, or of the check that noticed a silence). The id is made of the delivery, the type and the
 * seq of the position that raised the event ({@link #idOf}), so recomputing after a restart gives the same id and
 * every consumer (timeline, webhooks, browsers) de-duplicates on it.
 */
public record DeliveryEvent(String eventId, String deliveryId, Type type, Instant at, LatLon position, JsonObject details) {

  /**
   * In the order the events one position raises are raised, so a timeline sorted by time, then type, lists them as
   * they happened ({@code stalled} is raised by a silence, never with another).
   */
  public enum Type {
    STARTED, RESUMED, OFF_ROUTE, BACK_ON_ROUTE, LATE, BACK_ON_TIME, ARRIVING, DELIVERED, CANCELLED, STALLED;

    /** The name on the wire and in webhook subscriptions: {@code off_route}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws InvalidMessageException for a name that is no event type */
    public static Type fromWireName(String name) {
      for (Type type : values()) {
        if (type.wireName().equals(name)) {
          return type;
        }
      }
      throw new InvalidMessageException("unknown event type '" + Fields.abbreviate(String.valueOf(name)) + "'; known: "
          + String.join(", ", Arrays.stream(values()).map(Type::wireName).toList()));
    }
  }

  public DeliveryEvent {
    details = details == null ? null : details.copy();
  }

  /** The event of this type that the position of this seq raised in this delivery: always the same id. */
  public static String idOf(String deliveryId, Type type, long seq) {
    return idPrefixOf(deliveryId) + type.wireName() + ":" + seq;
  }

  /** What the id of every event of this delivery starts with. */
  public static String idPrefixOf(String deliveryId) {
    return deliveryId + ":";
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("eventId", eventId).put("deliveryId", deliveryId)
        .put("type", type.wireName()).put("at", at.toString());
    if (position != null) {
      json.put("position", position.toJson());
    }
    if (details != null && !details.isEmpty()) {
      json.put("details", details.copy());
    }
    return json;
  }

  /** @throws InvalidMessageException naming the first field that is missing or of the wrong type */
  public static DeliveryEvent fromJson(JsonObject json) {
    return new DeliveryEvent(Fields.string(json, "eventId"), Fields.deliveryId(json, "deliveryId"),
        Type.fromWireName(Fields.string(json, "type")), Fields.instant(json, "at"),
        json.getValue("position") == null ? null : LatLon.fromJson(Fields.object(json, "position")),
        json.getValue("details") == null ? null : Fields.object(json, "details"));
  }

  public static DeliveryEvent fromJson(String value) {
    return fromJson(Fields.parse(value));
  }
}
