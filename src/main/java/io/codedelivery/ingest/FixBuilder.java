package io.codedelivery.ingest;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Fields;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.LatLon;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One fix being decoded, and the checks every protocol shares: a device id, a position on the globe, a fix time not
 * ahead of the server's clock by more than {@code ingest.max.future.seconds}, measurements that the tracking stage can
 * read back ({@link DeviceFix#fromJson}), and a bounded set of extra attributes. Apps send -1 for a measurement they
 * do not have, so a negative speed, heading, accuracy or battery is "unknown", not an error.
 */
final class FixBuilder {
  /** Knots to metres per second: a nautical mile is 1852 m. */
  static final double KNOTS = 1852.0 / 3600;
  /** Kilometres per hour to metres per second. */
  static final double KILOMETRES_PER_HOUR = 1000.0 / 3600;
  static final int MAX_ATTRIBUTES = 32;
  static final int MAX_ATTRIBUTE_CHARS = 256;

  private final String source;
  private final Instant receivedAt;
  private final Duration maxFuture;
  private String deviceId;
  private Instant fixTime;
  private Double lat;
  private Double lon;
  private Double speed;
  private Double heading;
  private Double altitude;
  private Double accuracy;
  private Double battery;
  private final JsonObject attributes = new JsonObject();

  FixBuilder(String source, Instant receivedAt, Duration maxFuture) {
    this.source = source;
    this.receivedAt = receivedAt;
    this.maxFuture = maxFuture;
  }

  FixBuilder deviceId(String value) {
    deviceId = value;
    return this;
  }

  FixBuilder fixTime(Instant value) {
    fixTime = value;
    return this;
  }

  FixBuilder lat(Double value) {
    lat = value;
    return this;
  }

  FixBuilder lon(Double value) {
    lon = value;
    return this;
  }

  FixBuilder speed(Double metresPerSecond) {
    speed = unknownIfNegative(metresPerSecond);
    return this;
  }

  FixBuilder heading(Double degrees) {
    heading = unknownIfNegative(degrees);
    return this;
  }

  FixBuilder altitude(Double metres) {
    altitude = metres;
    return this;
  }

  FixBuilder accuracy(Double metres) {
    accuracy = unknownIfNegative(metres);
    return this;
  }

  FixBuilder battery(Double percent) {
    battery = unknownIfNegative(percent);
    return this;
  }

  boolean hasAccuracy() {
    return accuracy != null;
  }

  /** An extra the protocol sent that has no field of its own: a string, number or boolean, kept as sent. */
  FixBuilder attribute(String name, Object value) {
    if (attributes.size() >= MAX_ATTRIBUTES && !attributes.containsKey(name)) {
      throw new BadFix("too_many_attributes", "at most " + MAX_ATTRIBUTES + " extra parameters are kept with a fix");
    }
    if (name.length() > MAX_ATTRIBUTE_CHARS || value instanceof String text && text.length() > MAX_ATTRIBUTE_CHARS) {
      throw new BadFix("too_many_attributes", "the extra parameter '" + Fields.abbreviate(name) + "' is longer than "
          + MAX_ATTRIBUTE_CHARS + " characters");
    }
    if (value instanceof Double number && !Double.isFinite(number)) {
      throw new BadFix("bad_number", "'" + Fields.abbreviate(name) + "' is not a finite number");
    }
    attributes.put(name, value);
    return this;
  }

  /** Keeps a JSON value as an attribute if it is a string, number or boolean; objects, arrays and null are left out. */
  FixBuilder scalarAttribute(String name, Object value) {
    if (value instanceof String || value instanceof Boolean) {
      attribute(name, value);
    } else if (value instanceof Number number) {
      attribute(name, number.doubleValue());
    }
    return this;
  }

  /** @throws BadFix when the fix lacks a device or a position, or a value is out of range */
  DeviceFix build() {
    if (deviceId == null || deviceId.isBlank()) {
      throw new BadFix("missing_device", "the request names no device");
    }
    if (lat == null || lon == null) {
      throw new BadFix("missing_position", "a fix needs both a latitude and a longitude");
    }
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
      throw new BadFix("bad_position", "latitude must be from -90 to 90 and longitude from -180 to 180; got " + lat + ", " + lon);
    }
    Instant time = fixTime == null ? receivedAt : fixTime;
    if (time.isAfter(receivedAt.plus(maxFuture))) {
      throw new BadFix("future_fix", "the fix time " + time + " is more than " + maxFuture.toSeconds()
          + " s ahead of the server's clock (" + receivedAt + "); check the phone's date and time");
    }
    DeviceFix fix = new DeviceFix(deviceId, time, receivedAt, new LatLon(lat, lon), speed, heading, altitude, accuracy, battery,
        source, attributes.isEmpty() ? null : attributes);
    try {
      // The tracking stage reads every fix back with these very checks: what it would refuse is refused here, at once.
      DeviceFix.fromJson(fix.toJson());
    } catch (InvalidMessageException e) {
      throw new BadFix("out_of_range", e.getMessage());
    }
    return fix;
  }

  private static Double unknownIfNegative(Double value) {
    return value == null || value < 0 ? null : value;
  }

  /** A decimal number sent as text; NaN and infinities are refused, since no measurement is either. */
  static double number(String field, String text) {
    try {
      double value = Double.parseDouble(text.strip());
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadFix("bad_number", "'" + field + "' must be a number; got '" + Fields.abbreviate(text) + "'");
  }

  /** A JSON number, or null when the field is absent or null. */
  static Double number(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
      return number.doubleValue();
    }
    throw new BadFix("bad_number", "'" + field + "' must be a number");
  }

  /**
   * Unix time in seconds or milliseconds, told apart as Traccar does (a value below 2^31 is seconds, which holds
   * until 2038 for seconds and since January 1970 for milliseconds); seconds may carry a fraction.
   */
  static Instant epoch(String field, String text) {
    try {
      if (text.indexOf('.') >= 0) {
        return Instant.ofEpochMilli(Math.round(Double.parseDouble(text) * 1000));
      }
      long value = Long.parseLong(text);
      return value < Integer.MAX_VALUE ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw badTime(field, text);
    }
  }

  /** ISO-8601 with a zone or offset ({@code 2026-12-01T10:15:30Z}, {@code …+01:00}, fractions of seconds allowed). */
  static Instant iso(String field, String text) {
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw badTime(field, text);
    }
  }

  private static BadFix badTime(String field, String text) {
    return new BadFix("bad_time", "'" + field + "' must be Unix seconds, Unix milliseconds or an ISO-8601 time with a zone; got '"
        + Fields.abbreviate(text) + "'");
  }
}
