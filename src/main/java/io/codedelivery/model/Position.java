package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One vehicle position: the value of {@link Topics#NEW_POSITION}, keyed by delivery id. {@code seq} counts from 0
 * and, with the delivery id, makes every write idempotent; the last position of a route has {@code finished}.
 */
public record Position(String deliveryId, String routeId, String clientId, long seq, LatLon position,
                       boolean finished, Instant timestamp) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("deliveryId", deliveryId).put("routeId", routeId);
    if (clientId != null) {
      json.put("clientId", clientId);
    }
    return json.put("seq", seq)
        .put("position", position.toJson())
        .put("finished", finished)
        .put("timestamp", timestamp.toString());
  }

  /** @throws InvalidMessageException naming the first field that is missing or of the wrong type */
  public static Position fromJson(JsonObject json) {
    return new Position(Fields.deliveryId(json, "deliveryId"), Fields.string(json, "routeId"),
        Fields.optionalString(json, "clientId"), Fields.nonNegativeLong(json, "seq"),
        LatLon.fromJson(Fields.object(json, "position")), Fields.bool(json, "finished"),
        Fields.instant(json, "timestamp"));
  }

  public static Position fromJson(String value) {
    return fromJson(Fields.parse(value));
  }
}
