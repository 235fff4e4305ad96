package io.codedelivery.ingest;

import io.codedelivery.model.DeviceFix;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The OsmAnd protocol: one fix as query parameters ({@code GET /?id=…&lat=…}) or as a form body ({@code POST /}), as
 * sent by the OsmAnd app's online tracking, Traccar Client before 9, and the driver page.
 * <p>
 * Names and units are those of Traccar's decoder ({@code org.traccar.protocol.OsmAndProtocolDecoder}, traccar/traccar):
 * {@code id} or {@code deviceid}; {@code lat}/{@code lon} in degrees, or {@code location=lat,lon}; {@code timestamp} as
 * Unix seconds, Unix milliseconds or ISO-8601 (absent: the time of receipt); <b>{@code speed} in knots</b> (Traccar's
 * default, {@code convertSpeed(value, "kn")}, which is what Traccar Client sends; it is stored here in m/s);
 * {@code bearing} or {@code heading} in degrees; {@code altitude} and {@code accuracy} in metres; {@code batt} in
 * percent. Traccar keeps {@code hdop} as an attribute only; here it stands in for a missing {@code accuracy}, because
 * the OsmAnd app's {@code {3}} placeholder, conventionally sent as {@code hdop}, is the fix's accuracy in metres.
 * Like Traccar: empty values are skipped, a parameter given twice counts once (the last), and every other parameter
 * is kept as an attribute (a number, {@code true}/{@code false}, or text). Caveat, also Traccar's: the OsmAnd app
 * itself sends {@code {5}} speed in m/s, which a knots reading makes about half the real speed.
 */
final class OsmAndDecoder {
  static final String SOURCE = "osmand";

  private final Duration maxFuture;

  OsmAndDecoder(Duration maxFuture) {
    this.maxFuture = maxFuture;
  }

  /**
   * @param params the query's parameters, or the form body's when the query has none (as Traccar reads them)
   * @throws BadFix naming what is missing or wrong
   */
  DeviceFix decode(Map<String, List<String>> params, Instant receivedAt) {
    FixBuilder fix = new FixBuilder(SOURCE, receivedAt, maxFuture);
    Double hdop = null;
    for (Map.Entry<String, List<String>> entry : params.entrySet()) {
      String value = last(entry.getValue());
      if (value.isEmpty()) {
        continue;
      }
      String name = entry.getKey();
      switch (name) {
        case "id", "deviceid" -> fix.deviceId(value);
        case "timestamp" -> fix.fixTime(value.contains("T") ? FixBuilder.iso(name, value) : FixBuilder.epoch(name, value));
        case "lat" -> fix.lat(FixBuilder.number(name, value));
        case "lon" -> fix.lon(FixBuilder.number(name, value));
        case "location" -> {
          String[] latLon = value.split(",", -1);
          if (latLon.length != 2) {
            throw new BadFix("bad_number", "'location' must be 'lat,lon'");
          }
          fix.lat(FixBuilder.number(name, latLon[0])).lon(FixBuilder.number(name, latLon[1]));
        }
        case "speed" -> fix.speed(FixBuilder.number(name, value) * FixBuilder.KNOTS);
        case "bearing", "heading" -> fix.heading(FixBuilder.number(name, value));
        case "altitude" -> fix.altitude(FixBuilder.number(name, value));
        case "accuracy" -> fix.accuracy(FixBuilder.number(name, value));
        case "hdop" -> hdop = FixBuilder.number(name, value);
        case "batt" -> fix.battery(FixBuilder.number(name, value));
        default -> fix.attribute(name, attributeValue(value));
      }
    }
    if (!fix.hasAccuracy()) {
      fix.accuracy(hdop);
    }
    return fix.build();
  }

  private static String last(List<String> values) {
    return values.isEmpty() ? "" : values.get(values.size() - 1);
  }

  /** As Traccar keeps an unknown parameter: a number if it reads as one, a boolean for true/false, else the text. */
  private static Object attributeValue(String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.valueOf(value);
    }
    try {
      double number = Double.parseDouble(value);
      return Double.isFinite(number) ? number : value;
    } catch (NumberFormatException e) {
      return value;
    }
  }
}
