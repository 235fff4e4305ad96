package io.codedelivery.export;

import io.codedelivery.model.LatLon;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One stored position as an export needs it. {@code time} is the point's own time: a device's fix time (when the
 * phone measured it, which may be long before it was received), else the position's timestamp. Speed is in metres
 * per second; speed, heading, accuracy and battery are null when the device did not report them (and always for a
 * simulated vehicle).
 */
public record TrackPoint(long seq, Instant time, LatLon position, Double speed, Double heading, Double accuracy, Double battery) {

  /** A position in the wire form the store gives back ({@code Position.toJson()}). */
  public static TrackPoint fromStored(JsonObject stored) {
    String fixTime = stored.getString("fixTime");
    JsonObject at = stored.getJsonObject("position");
    return new TrackPoint(stored.getLong("seq"), Instant.parse(fixTime != null ? fixTime : stored.getString("timestamp")),
        new LatLon(at.getDouble("lat"), at.getDouble("lon")), stored.getDouble("speed"), stored.getDouble("heading"),
        stored.getDouble("accuracy"), stored.getDouble("battery"));
  }
}
