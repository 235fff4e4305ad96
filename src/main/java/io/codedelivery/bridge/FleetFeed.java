package io.codedelivery.bridge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest state of each delivery that moved since the last batch: what {@code deliveries.fleet} carries. A
 * console subscribes to it once, whatever the fleet's size, instead of once per delivery (the bridge caps a
 * connection's registrations). Newer positions of a delivery replace older ones, so a batch holds at most one entry per
 * delivery however many positions arrived meanwhile. Used on one event loop only (its bridge verticle's).
 */
final class FleetFeed {
  private final Map<String, JsonObject> latest = new LinkedHashMap<>();

  /** A position just consumed: kept unless this batch already holds a later one of its delivery (by seq). */
  void take(String deliveryId, long seq, JsonObject position) {
    JsonObject held = latest.get(deliveryId);
    if (held == null || held.getLong("seq", Long.MIN_VALUE) <= seq) {
      latest.put(deliveryId, position);
    }
  }

  /** The batch gathered so far, as {@code {"deliveries":[…]}}, then forgotten; null when nothing moved. */
  JsonObject drain() {
    if (latest.isEmpty()) {
      return null;
    }
    JsonObject batch = new JsonObject().put("deliveries", new JsonArray(new ArrayList<>(latest.values())));
    latest.clear();
    return batch;
  }
}
