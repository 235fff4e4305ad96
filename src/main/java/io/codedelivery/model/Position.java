package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One vehicle position: the value of {@link Topics#NEW_POSITION}, keyed by delivery id. With the delivery id,
 * {@code seq} makes every write idempotent: a simulated delivery counts its route's points from 0 (its last
 * position has {@code finished}); a device's delivery uses the fix time in epoch milliseconds, so a resent fix is
 * the same position and late fixes fall into fix-time order. A device's position carries what the device reported
 * ({@link Fix}) and, on its newest fixes, the server's estimate of what is left ({@link Estimate}); a simulated one
 * carries neither, and its {@code routeId} is required.
 */
public record Position(String deliveryId, String routeId, String clientId, long seq, LatLon position,
                       boolean finished, Instant timestamp, Fix fix, Estimate estimate) {
  /** The top-level fields {@link #fromJson(JsonObject)} reads, and those of its point; any other is passed over. */
  private static final StreamingRecord.Shape SHAPE = new StreamingRecord.Shape(
      Set.of("deliveryId", "routeId", "clientId", "seq", "position", "finished", "timestamp", "deviceId", "fixTime",
          "speed", "heading", "accuracy", "battery", "distanceRemainingMetres", "progress", "eta"),
      Map.of("position", Set.of("lat", "lon")), Set.of());

  /** A simulated vehicle's position: a point of a route, nothing reported by a device. */
  public Position(String deliveryId, String routeId, String clientId, long seq, LatLon position, boolean finished,
                  Instant timestamp) {
    this(deliveryId, routeId, clientId, seq, position, finished, timestamp, null, null);
  }

  /**
   * What a device reported with this position; only {@code deviceId} is always there ({@code fixTime} is absent on
   * the position that ends a delivery from the API, which no fix produced).
   */
  public record Fix(String deviceId, Instant fixTime, Double speed, Double heading, Double accuracy, Double battery) {
    void putInto(JsonObject json) {
      json.put("deviceId", deviceId);
      if (fixTime != null) {
        json.put("fixTime", fixTime.toString());
      }
      Fields.putIfPresent(json, "speed", speed);
      Fields.putIfPresent(json, "heading", heading);
      Fields.putIfPresent(json, "accuracy", accuracy);
      Fields.putIfPresent(json, "battery", battery);
    }

    static Fix fromJson(JsonObject json) {
      return new Fix(Fields.string(json, "deviceId"),
          json.getValue("fixTime") == null ? null : Fields.instant(json, "fixTime"),
          Fields.optionalNumber(json, "speed", 0, 1_000), Fields.optionalNumber(json, "heading", 0, 360),
          Fields.optionalNumber(json, "accuracy", 0, 1_000_000), Fields.optionalNumber(json, "battery", 0, 100));
    }
  }

  /**
   * The server's reckoning at this position, the same for every client: metres left to the destination, progress
   * from 0 to 1, and the expected arrival ({@code eta} null while the vehicle's speed is not known).
   */
  public record Estimate(double distanceRemainingMetres, double progress, Instant eta) {
    void putInto(JsonObject json) {
      json.put("distanceRemainingMetres", distanceRemainingMetres).put("progress", progress);
      if (eta != null) {
        json.put("eta", eta.toString());
      }
    }

    static Estimate fromJson(JsonObject json) {
      if (json.getValue("distanceRemainingMetres") == null && json.getValue("progress") == null) {
        return null;
      }
      return new Estimate(Fields.number(json, "distanceRemainingMetres", 0, 40_100_000), Fields.number(json, "progress", 0, 1),
          json.getValue("eta") == null ? null : Fields.instant(json, "eta"));
    }
  }

  /** Whether a device (not the simulation) drives this delivery. */
  public boolean fromDevice() {
    return fix != null;
  }

  /**
   * Whether this is the end an operator gave a device's delivery through the API ({@code /complete} or
   * {@code /cancel}) rather than a place a vehicle reported: no fix produced it, so it has no fix time.
   */
  public boolean endedByOperator() {
    return finished && fix != null && fix.fixTime() == null;
  }

  /**
   * Whether this position ends its delivery as cancelled. Only an operator cancels, and the API's cancelling position
   * is the one finishing position without an estimate: a delivered one, by the operator or by arrival, always carries
   * {@code Estimate(0, 1, …)}, and a simulated delivery (no fix) always ends delivered at its route's end.
   */
  public boolean cancelled() {
    return finished && fix != null && estimate == null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("deliveryId", deliveryId);
    if (routeId != null) {
      json.put("routeId", routeId);
    }
    if (clientId != null) {
      json.put("clientId", clientId);
    }
    json.put("seq", seq)
        .put("position", position.toJson())
        .put("finished", finished)
        .put("timestamp", timestamp.toString());
    if (fix != null) {
      fix.putInto(json);
    }
    if (estimate != null) {
      estimate.putInto(json);
    }
    return json;
  }

  /** @throws InvalidMessageException naming the first field that is missing or of the wrong type */
  public static Position fromJson(JsonObject json) {
    Fix fix = json.getValue("deviceId") == null ? null : Fix.fromJson(json);
    // A device's delivery may have no planned route; a simulated one is nothing without its route.
    String routeId = fix == null ? Fields.string(json, "routeId") : Fields.optionalString(json, "routeId");
    return new Position(Fields.deliveryId(json, "deliveryId"), routeId,
        Fields.optionalString(json, "clientId"), Fields.nonNegativeLong(json, "seq"),
        LatLon.fromJson(Fields.object(json, "position")), Fields.bool(json, "finished"),
        Fields.instant(json, "timestamp"), fix, Estimate.fromJson(json));
  }

  /**
   * A record's value, read in one pass without a tree of its fields ({@link StreamingRecord}: every consumer of
   * positions reads every record), checked as above. The bridge passes the text on as it came ({@link EncodedJson}),
   * so, unlike a tree's parser, this refuses anything after the object, on which browsers would choke.
   *
   * @throws InvalidMessageException as {@code fromJson(Fields.parse(value))} would, naming the first bad field
   */
  public static Position fromJson(String value) {
    return fromJson(StreamingRecord.read(value, SHAPE));
  }
}
