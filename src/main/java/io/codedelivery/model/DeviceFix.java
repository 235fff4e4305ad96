package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One fix as a device reported it: the value of {@link Topics#DEVICE_POSITIONS}, keyed by the device's unique id.
 * Every protocol the ingestion role speaks is decoded into this one shape, and the simulation produces its vehicles'
 * fixes in it too, so the tracking stage reads one format and every position takes one path. The same
 * (deviceId, fixTime) is the same fix, however often a phone resends it. Optional measurements are {@code null} when
 * the device did not send them; {@code speed} is in metres per second, whatever the protocol used. A simulated
 * vehicle's fix also says which point of its delivery's route it is ({@link Simulated}); a real device's never does.
 */
public record DeviceFix(String deviceId, Instant fixTime, Instant receivedAt, LatLon position, Double speed,
                        Double heading, Double altitude, Double accuracy, Double battery, String source,
                        JsonObject attributes, Simulated simulated) {
  /** The {@code source} of the simulation's fixes. */
  public static final String SIMULATION = "simulation";
  /** The fields {@link #fromJson(JsonObject)} reads; the extra attributes whole, whatever they hold. */
  private static final StreamingRecord.Shape SHAPE = new StreamingRecord.Shape(
      Set.of("deviceId", "fixTime", "receivedAt", "position", "speed", "heading", "altitude", "accuracy", "battery",
          "source", "attributes", "simulated"),
      Map.of("position", Set.of("lat", "lon"), "simulated", Simulated.FIELDS), Set.of("attributes"));

  /** A real device's fix. */
  public DeviceFix(String deviceId, Instant fixTime, Instant receivedAt, LatLon position, Double speed, Double heading,
                   Double altitude, Double accuracy, Double battery, String source, JsonObject attributes) {
    this(deviceId, fixTime, receivedAt, position, speed, heading, altitude, accuracy, battery, source, attributes, null);
  }

  /**
   * Where a simulated vehicle is on its delivery's route: the delivery it drives, and the route point's index as the
   * position's seq, as the rest of the system reads a simulated position (progress, resume points, holes in a track).
   * The simulation orders and numbers its vehicles' points itself, so the tracking stage needs no state to pass them on.
   */
  public record Simulated(String deliveryId, String routeId, String clientId, long seq, boolean finished) {
    static final Set<String> FIELDS = Set.of("deliveryId", "routeId", "clientId", "seq", "finished");

    /** The simulated vehicle of a delivery, as a device: its fixes are keyed, and so partitioned, by delivery. */
    public static String deviceIdOf(String deliveryId) {
      return "sim-" + deliveryId;
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("deliveryId", deliveryId).put("routeId", routeId);
      if (clientId != null) {
        json.put("clientId", clientId);
      }
      return json.put("seq", seq).put("finished", finished);
    }

    static Simulated fromJson(JsonObject json) {
      return new Simulated(Fields.deliveryId(json, "deliveryId"), Fields.string(json, "routeId"),
          Fields.optionalString(json, "clientId"), Fields.nonNegativeLong(json, "seq"), Fields.bool(json, "finished"));
    }
  }

  /** A simulated vehicle's fix at a point of its route, taken and received {@code now}. */
  public static DeviceFix ofSimulatedVehicle(Simulated where, LatLon point, Instant now) {
    return new DeviceFix(Simulated.deviceIdOf(where.deliveryId()), now, now, point, null, null, null, null, null,
        SIMULATION, null, where);
  }

  /**
   * The position a simulated vehicle's fix is: the same one the simulation used to produce on {@link Topics#NEW_POSITION}
   * itself, stamped when it was produced.
   */
  public Position simulatedPosition() {
    return new Position(simulated.deliveryId(), simulated.routeId(), simulated.clientId(), simulated.seq(), position,
        simulated.finished(), receivedAt);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("deviceId", deviceId)
        .put("fixTime", fixTime.toString())
        .put("receivedAt", receivedAt.toString())
        .put("position", position.toJson());
    Fields.putIfPresent(json, "speed", speed);
    Fields.putIfPresent(json, "heading", heading);
    Fields.putIfPresent(json, "altitude", altitude);
    Fields.putIfPresent(json, "accuracy", accuracy);
    Fields.putIfPresent(json, "battery", battery);
    json.put("source", source);
    if (attributes != null && !attributes.isEmpty()) {
      json.put("attributes", attributes);
    }
    if (simulated != null) {
      json.put("simulated", simulated.toJson());
    }
    return json;
  }

  /** @throws InvalidMessageException naming the first field that is missing or of the wrong type */
  public static DeviceFix fromJson(JsonObject json) {
    return new DeviceFix(Fields.string(json, "deviceId"), Fields.instant(json, "fixTime"),
        Fields.instant(json, "receivedAt"), LatLon.fromJson(Fields.object(json, "position")),
        Fields.optionalNumber(json, "speed", 0, 1_000), Fields.optionalNumber(json, "heading", 0, 360),
        Fields.optionalNumber(json, "altitude", -12_000, 100_000), Fields.optionalNumber(json, "accuracy", 0, 1_000_000),
        Fields.optionalNumber(json, "battery", 0, 100), Fields.string(json, "source"),
        json.getValue("attributes") == null ? null : Fields.object(json, "attributes"),
        json.getValue("simulated") == null ? null : Simulated.fromJson(Fields.object(json, "simulated")));
  }

  /**
   * A record's value, read in one pass without a tree of its fields ({@link StreamingRecord}; the tracking stage reads
   * every fix), checked as above.
   */
  public static DeviceFix fromJson(String value) {
    return fromJson(StreamingRecord.read(value, SHAPE));
  }
}
