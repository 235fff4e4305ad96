package io.codedelivery.ingest;

import io.codedelivery.model.DeviceFix;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Traccar Client 9+: {@code POST /} with {@code Content-Type: application/json}, the location object of the background
 * geolocation SDK it is built on, plus the device id:
 * <pre>{"device_id":"…","location":{"timestamp":"ISO-8601","coords":{"latitude","longitude","accuracy","speed",
 * "heading","altitude"},"is_moving":…,"odometer":…,"event":"…","battery":{"level":0..1,"is_charging":…},
 * "activity":{"type":"…"},"extras":{…}}}</pre>
 * Units as in Traccar's decoder ({@code OsmAndProtocolDecoder.decodeJson}, traccar/traccar, and traccar.org/osmand):
 * speed in m/s (stored as sent), heading in degrees, accuracy and altitude in metres, a negative speed, heading or
 * accuracy meaning "unknown"; battery level a fraction, stored in percent. {@code is_moving}, {@code odometer},
 * {@code event}, {@code mock}, {@code activity.type}, {@code battery.is_charging} and the scalar {@code extras} are kept
 * as attributes.
 */
final class TraccarJsonDecoder {
  static final String SOURCE = "traccar";

  private final Duration maxFuture;

  TraccarJsonDecoder(Duration maxFuture) {
    this.maxFuture = maxFuture;
  }

  /** @throws BadFix naming what is missing or wrong */
  DeviceFix decode(JsonObject body, Instant receivedAt) {
    FixBuilder fix = new FixBuilder(SOURCE, receivedAt, maxFuture);
    Object deviceId = body.getValue("device_id");
    fix.deviceId(deviceId instanceof String || deviceId instanceof Number ? deviceId.toString() : null);
    JsonObject location = object(body, "location");
    if (location == null) {
      throw new BadFix("missing_position", "'location' must be an object with 'timestamp' and 'coords'");
    }
    if (!(location.getValue("timestamp") instanceof String timestamp)) {
      throw new BadFix("bad_time", "'location.timestamp' must be an ISO-8601 time");
    }
    fix.fixTime(FixBuilder.iso("location.timestamp", timestamp));
    JsonObject coords = object(location, "coords");
    if (coords != null) {
      fix.lat(FixBuilder.number(coords, "latitude")).lon(FixBuilder.number(coords, "longitude"))
          .speed(FixBuilder.number(coords, "speed")).heading(FixBuilder.number(coords, "heading"))
          .accuracy(FixBuilder.number(coords, "accuracy")).altitude(FixBuilder.number(coords, "altitude"));
    }
    JsonObject battery = object(location, "battery");
    if (battery != null) {
      Double level = FixBuilder.number(battery, "level");
      fix.battery(level == null || level < 0 ? null : Math.round(level * 1000) / 10.0);
      fix.scalarAttribute("is_charging", battery.getValue("is_charging"));
    }
    for (String name : new String[] {"is_moving", "odometer", "event", "mock"}) {
      fix.scalarAttribute(name, location.getValue(name));
    }
    JsonObject activity = object(location, "activity");
    if (activity != null) {
      fix.scalarAttribute("activity", activity.getValue("type"));
    }
    JsonObject extras = object(location, "extras");
    if (extras != null) {
      for (Map.Entry<String, Object> extra : extras) {
        fix.scalarAttribute(extra.getKey(), extra.getValue());
      }
    }
    return fix.build();
  }

  private static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw new BadFix("bad_json", "'" + field + "' must be an object");
    }
    return (JsonObject) value;
  }
}
