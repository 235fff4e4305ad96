package io.codedelivery.bridge;

import io.codedelivery.model.EncodedJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest state of each delivery that moved since the last batch: what {@code deliveries.fleet} carries. A
 * console subscribes to it once, whatever the fleet's size, instead of once per delivery (the bridge caps a
 * connection's registrations). Newer positions of a delivery replace older ones, so a batch holds at most one entry per
 * delivery however many positions arrived meanwhile. Used on one event loop only (its bridge verticle's).
 */
final class FleetFeed {
  private record Latest(long seq, EncodedJson position) {
  }

  private final Map<String, Latest> latest = new LinkedHashMap<>();

  /** A position just consumed: kept unless this batch already holds a later one of its delivery (by seq). */
  void take(String deliveryId, long seq, EncodedJson position) {
    Latest held = latest.get(deliveryId);
    if (held == null || held.seq() <= seq) {
      latest.put(deliveryId, new Latest(seq, position));
    }
  }

  /** The batch gathered so far, as {@code {"deliveries":[…]}}, then forgotten; null when nothing moved. */
  EncodedJson drain() {
    if (latest.isEmpty()) {
      return null;
    }
    EncodedJson batch = EncodedJson.arrayField("deliveries", latest.values().stream().map(Latest::position).toList());
    latest.clear();
    return batch;
  }
}
