package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Traccar Client 9+ JSON decoder, on the body traccar.org/osmand documents. */
class TraccarJsonDecoderTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  /** The documented example, with values in place of its zeros. */
  static final String CLIENT_BODY = """
      {"location":{"timestamp":"2026-12-01T09:59:58.250Z",
        "coords":{"latitude":-23.5505,"longitude":-46.6333,"accuracy":6.5,"speed":12.5,"heading":180.0,"altitude":760.0},
        "is_moving":true,"odometer":1520.5,"event":"motionchange",
        "battery":{"level":0.87,"is_charging":false},
        "activity":{"type":"in_vehicle"},"extras":{"shift":"early","stops":3}},
       "device_id":"48241179"}""";
  private final TraccarJsonDecoder decoder = new TraccarJsonDecoder(Duration.ofMinutes(10));

  private DeviceFix decode(String body) {
    return decoder.decode(new JsonObject(body), NOW);
  }

  @Test
  void theClientsFixKeepsSpeedInMetresPerSecondAndTurnsTheBatteryFractionIntoPercent() {
    DeviceFix fix = decode(CLIENT_BODY);

    assertThat(fix.deviceId()).isEqualTo("48241179");
    assertThat(fix.fixTime()).isEqualTo(Instant.parse("2026-12-01T09:59:58.250Z"));
    assertThat(fix.position()).isEqualTo(new LatLon(-23.5505, -46.6333));
    assertThat(fix.speed()).isEqualTo(12.5);
    assertThat(fix.heading()).isEqualTo(180.0);
    assertThat(fix.accuracy()).isEqualTo(6.5);
    assertThat(fix.altitude()).isEqualTo(760.0);
    assertThat(fix.battery()).isEqualTo(87.0);
    assertThat(fix.source()).isEqualTo("traccar");
    assertThat(fix.attributes().getMap()).containsEntry("is_moving", true).containsEntry("odometer", 1520.5)
        .containsEntry("event", "motionchange").containsEntry("is_charging", false).containsEntry("activity", "in_vehicle")
        .containsEntry("shift", "early").containsEntry("stops", 3.0);
  }

  @Test
  void negativeMeasurementsAreUnknown() {
    DeviceFix fix = decode("""
        {"device_id":"48241179","location":{"timestamp":"2026-12-01T09:59:58Z",
         "coords":{"latitude":1,"longitude":2,"accuracy":-1,"speed":-1,"heading":-1,"altitude":0},"battery":{"level":-1,"is_charging":false}}}""");

    assertThat(fix.speed()).isNull();
    assertThat(fix.heading()).isNull();
    assertThat(fix.accuracy()).isNull();
    assertThat(fix.battery()).isNull();
  }

  @Test
  void aFixWithoutCoordinatesOrTimeOrDeviceIsRefused() {
    assertThatThrownBy(() -> decode("{\"device_id\":\"1\",\"location\":{\"timestamp\":\"2026-12-01T09:59:58Z\"}}"))
        .isInstanceOfSatisfying(BadFix.class, bad -> assertThat(bad.reason()).isEqualTo("missing_position"));
    assertThatThrownBy(() -> decode("{\"device_id\":\"1\",\"location\":{\"coords\":{\"latitude\":1,\"longitude\":2}}}"))
        .isInstanceOfSatisfying(BadFix.class, bad -> assertThat(bad.reason()).isEqualTo("bad_time"));
    assertThatThrownBy(() -> decode("{\"location\":{\"timestamp\":\"2026-12-01T09:59:58Z\",\"coords\":{\"latitude\":1,\"longitude\":2}}}"))
        .isInstanceOfSatisfying(BadFix.class, bad -> assertThat(bad.reason()).isEqualTo("missing_device"));
    assertThatThrownBy(() -> decode("{\"device_id\":\"1\",\"location\":{\"timestamp\":\"2026-12-01T09:59:58Z\",\"coords\":{\"latitude\":\"1\",\"longitude\":2}}}"))
        .isInstanceOfSatisfying(BadFix.class, bad -> assertThat(bad.reason()).isEqualTo("bad_number"));
  }
}
