package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A lifecycle event on {@link Addresses#DELIVERY_UPDATES}, for lists and dashboards. */
public record DeliveryUpdate(Kind kind, String deliveryId, String routeId, long seq, Instant at) {

  public enum Kind { STARTED, FINISHED }

  public static DeliveryUpdate of(Kind kind, Position position) {
    return new DeliveryUpdate(kind, position.deliveryId(), position.routeId(), position.seq(), position.timestamp());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("type", kind.name().toLowerCase(java.util.Locale.ROOT))
        .put("deliveryId", deliveryId)
        .put("routeId", routeId)
        .put("seq", seq)
        .put("at", at.toString());
  }
}
