package io.codedelivery.ingest;

import io.codedelivery.model.DeviceFix;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OwnTracks in HTTP mode: {@code POST /owntracks} with one JSON message (owntracks.org/booklet/tech/json). Only
 * {@code _type: location} carries a fix: {@code lat}, {@code lon}, {@code tst} (Unix seconds), {@code acc} (m),
 * {@code vel} (km/h, stored in m/s), {@code cog} (degrees), {@code alt} (m), {@code batt} (%). Other types (and the
 * empty body the app posts when a friend is removed) are answered like a location but produce nothing.
 * <p>
 * The device id is Traccar's ({@code OwnTracksProtocolDecoder}, traccar/traccar): the message's {@code topic} with
 * '/' replaced by '-' (iOS sends {@code owntracks/user/device}, so {@code owntracks-user-device}), else its
 * {@code tid}. The Android app sends no topic in HTTP mode but names user and device in the {@code X-Limit-U} and
 * {@code X-Limit-D} headers, so those make the same {@code owntracks-user-device} before {@code tid} is used: one
 * phone keeps one id whichever app version it runs.
 */
final class OwnTracksDecoder {
  static final String SOURCE = "owntracks";
  private static final Set<String> DECODED = Set.of("_type", "topic", "lat", "lon", "tst", "acc", "vel", "cog", "alt", "batt");

  private final Duration maxFuture;

  OwnTracksDecoder(Duration maxFuture) {
    this.maxFuture = maxFuture;
  }

  /**
   * @param user the {@code X-Limit-U} header, or null
   * @param device the {@code X-Limit-D} header, or null
   * @return the fix of a location message; empty for every other message
   * @throws BadFix naming what is missing or wrong
   */
  Optional<DeviceFix> decode(String body, String user, String device, Instant receivedAt) {
    if (body.isBlank()) {
      return Optional.empty();
    }
    JsonObject message;
    try {
      message = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new BadFix("bad_json", "the body must be one OwnTracks JSON message");
    }
    if (!"location".equals(message.getValue("_type"))) {
      return Optional.empty();
    }
    FixBuilder fix = new FixBuilder(SOURCE, receivedAt, maxFuture).deviceId(deviceId(message, user, device));
    Object tst = message.getValue("tst");
    if (tst != null) {
      if (!(tst instanceof Number seconds)) {
        throw new BadFix("bad_time", "'tst' must be Unix seconds");
      }
      fix.fixTime(Instant.ofEpochSecond(seconds.longValue()));
    }
    Double velocity = FixBuilder.number(message, "vel");
    fix.lat(FixBuilder.number(message, "lat")).lon(FixBuilder.number(message, "lon"))
        .accuracy(FixBuilder.number(message, "acc")).heading(FixBuilder.number(message, "cog"))
        .altitude(FixBuilder.number(message, "alt")).battery(FixBuilder.number(message, "batt"))
        .speed(velocity == null ? null : velocity * FixBuilder.KILOMETRES_PER_HOUR);
    for (Map.Entry<String, Object> field : message) {
      if (!DECODED.contains(field.getKey())) {
        fix.scalarAttribute(field.getKey(), field.getValue());
      }
    }
    return Optional.of(fix.build());
  }

  private static String deviceId(JsonObject message, String user, String device) {
    if (message.getValue("topic") instanceof String topic && !topic.isBlank()) {
      return topic.replace('/', '-');
    }
    if (user != null && !user.isBlank() && device != null && !device.isBlank()) {
      return "owntracks-" + user + "-" + device;
    }
    return message.getValue("tid") instanceof String tid ? tid : null;
  }
}
