package io.codedelivery.events;

import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.persistence.Store;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the rules need to know of a delivery beyond its positions, read once and kept in its state: where it goes
 * (null when that is not known), the route it was planned along (device deliveries only: a simulated vehicle drives
 * its route by construction, so it is never off it) and the time promised to the customer (null when none was).
 */
record DeliveryFacts(LatLon destination, String plannedRouteId, Instant promisedBy) {

  /** A simulated delivery: it goes to its route's end, promised to nobody. */
  static DeliveryFacts simulated(Route route) {
    return new DeliveryFacts(route.end(), null, null);
  }

  /** A device's delivery as {@link Store#DELIVERIES} holds it. */
  static DeliveryFacts ofDeliveryDocument(JsonObject delivery) {
    JsonObject destination = delivery.getJsonObject("destination");
    return new DeliveryFacts(destination == null ? null : LatLon.fromJson(destination), delivery.getString("routeId"),
        Store.instant(delivery.getValue("promisedBy")));
  }

  void putInto(JsonObject document) {
    if (destination != null) {
      document.put("destination", destination.toJson());
    }
    if (plannedRouteId != null) {
      document.put("plannedRouteId", plannedRouteId);
    }
    if (promisedBy != null) {
      document.put("promisedBy", Store.date(promisedBy));
    }
  }

  static DeliveryFacts fromStateDocument(JsonObject document) {
    JsonObject destination = document.getJsonObject("destination");
    return new DeliveryFacts(destination == null ? null : LatLon.fromJson(destination), document.getString("plannedRouteId"),
        Store.instant(document.getValue("promisedBy")));
  }
}
