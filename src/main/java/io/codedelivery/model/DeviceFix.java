package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One fix as a device reported it: the value of {@link Topics#DEVICE_POSITIONS}, keyed by the device's unique id.
 * Every protocol the ingestion role speaks is decoded into this one shape, so the tracking stage reads one format.
 * The same (deviceId, fixTime) is the same fix, however often a phone resends it. Optional measurements are
 * {@code null} when the device did not send them; {@code speed} is in metres per second, whatever the protocol used.
 */
public record DeviceFix(String deviceId, Instant fixTime, Instant receivedAt, LatLon position, Double speed,
                        Double heading, Double altitude, Double accuracy, Double battery, String source,
                        JsonObject attributes) {
  /** The fields {@link #fromJson(JsonObject)} reads; the extra attributes whole, whatever they hold. */
  private static final StreamingRecord.Shape SHAPE = new StreamingRecord.Shape(
      Set.of("deviceId", "fixTime", "receivedAt", "position", "speed", "heading", "altitude", "accuracy", "battery",
          "source", "attributes"),
      Map.of("position", Set.of("lat", "lon")), Set.of("attributes"));

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
    return json;
  }

  /** @throws InvalidMessageException naming the first field that is missing or of the wrong type */
  public static DeviceFix fromJson(JsonObject json) {
    return new DeviceFix(Fields.string(json, "deviceId"), Fields.instant(json, "fixTime"),
        Fields.instant(json, "receivedAt"), LatLon.fromJson(Fields.object(json, "position")),
        Fields.optionalNumber(json, "speed", 0, 1_000), Fields.optionalNumber(json, "heading", 0, 360),
        Fields.optionalNumber(json, "altitude", -12_000, 100_000), Fields.optionalNumber(json, "accuracy", 0, 1_000_000),
        Fields.optionalNumber(json, "battery", 0, 100), Fields.string(json, "source"),
        json.getValue("attributes") == null ? null : Fields.object(json, "attributes"));
  }

  /**
   * A record's value, read in one pass without a tree of its fields ({@link StreamingRecord}; the tracking stage reads
   * every fix), checked as above.
   */
  public static DeviceFix fromJson(String value) {
    return fromJson(StreamingRecord.read(value, SHAPE));
  }
}
