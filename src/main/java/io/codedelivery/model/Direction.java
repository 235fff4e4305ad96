package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A request to drive a route: the value of {@link Topics#NEW_DIRECTION}, keyed by delivery id. */
public record Direction(String deliveryId, String routeId, String clientId, Instant requestedAt) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("deliveryId", deliveryId).put("routeId", routeId);
    if (clientId != null) {
      json.put("clientId", clientId);
    }
    return json.put("requestedAt", requestedAt.toString());
  }

  /** @throws InvalidMessageException naming the first field that is missing or of the wrong type */
  public static Direction fromJson(String value) {
    JsonObject json = Fields.parse(value);
    return new Direction(Fields.deliveryId(json, "deliveryId"), Fields.string(json, "routeId"),
        Fields.optionalString(json, "clientId"), Fields.instant(json, "requestedAt"));
  }
}
