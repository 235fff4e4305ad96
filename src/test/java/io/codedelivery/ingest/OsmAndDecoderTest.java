package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OsmAnd decoder on the requests the apps send, read as the verticle reads them (Netty's query decoder). */
class OsmAndDecoderTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final OsmAndDecoder decoder = new OsmAndDecoder(Duration.ofMinutes(10));

  private DeviceFix decode(String uri) {
    return decoder.decode(new QueryStringDecoder(uri).parameters(), NOW);
  }

  private static String reasonOf(Runnable decoding) {
    try {
      decoding.run();
    } catch (BadFix bad) {
      return bad.reason();
    }
    throw new AssertionError("no BadFix");
  }

  @Test
  void traccarClientsQueryIsOneFixWithSpeedInKnotsStoredInMetresPerSecond() {
    // Traccar Client for Android before 9: these parameters, speed in knots (traccar.org forum "traccar client units").
    DeviceFix fix = decode("/?id=123456789012345&timestamp=1796119200&lat=52.520008&lon=13.404954&speed=10.0"
        + "&bearing=271.5&altitude=34.2&accuracy=4.8&batt=87.0&charge=true");

    assertThat(fix.deviceId()).isEqualTo("123456789012345");
    assertThat(fix.fixTime()).isEqualTo(Instant.ofEpochSecond(1796119200));
    assertThat(fix.receivedAt()).isEqualTo(NOW);
    assertThat(fix.position()).isEqualTo(new LatLon(52.520008, 13.404954));
    assertThat(fix.speed()).isCloseTo(5.144, within(0.001));
    assertThat(fix.heading()).isEqualTo(271.5);
    assertThat(fix.altitude()).isEqualTo(34.2);
    assertThat(fix.accuracy()).isEqualTo(4.8);
    assertThat(fix.battery()).isEqualTo(87.0);
    assertThat(fix.source()).isEqualTo("osmand");
    assertThat(fix.attributes().getBoolean("charge")).isTrue();
  }

  @Test
  void theOsmAndAppsUrlWithMillisecondsAndHdopGivesTheFixItsTimeAndAccuracy() {
    // The OsmAnd app's online-tracking template: lat={0}&lon={1}&timestamp={2}&hdop={3}&altitude={4}&speed={5}&bearing={6}
    DeviceFix fix = decode("/?lat=48.85833&lon=2.29513&timestamp=1796119200123&hdop=12.0&altitude=35.0&speed=0.0"
        + "&bearing=0.0&id=666&trip=Test+2");

    assertThat(fix.deviceId()).isEqualTo("666");
    assertThat(fix.fixTime()).isEqualTo(Instant.ofEpochMilli(1796119200123L));
    assertThat(fix.accuracy()).isEqualTo(12.0);
    assertThat(fix.speed()).isZero();
    assertThat(fix.attributes().getString("trip")).isEqualTo("Test 2");
  }

  @Test
  void deviceidLocationAndAnIsoTimestampAreReadTooAndUnknownExtrasAreKeptTyped() {
    DeviceFix fix = decode("/?deviceid=van-7&location=51.5,-0.12&timestamp=2026-12-01T09:59:00.5%2B01:00&heading=90&sat=9&driver=ann");

    assertThat(fix.deviceId()).isEqualTo("van-7");
    assertThat(fix.position()).isEqualTo(new LatLon(51.5, -0.12));
    assertThat(fix.fixTime()).isEqualTo(Instant.parse("2026-12-01T08:59:00.500Z"));
    assertThat(fix.heading()).isEqualTo(90.0);
    assertThat(fix.attributes().getValue("sat")).isEqualTo(9.0);
    assertThat(fix.attributes().getValue("driver")).isEqualTo("ann");
  }

  @Test
  void aFormBodyReadsLikeAQueryAndWithoutATimestampTheFixIsStampedOnReceipt() {
    DeviceFix fix = decoder.decode(new QueryStringDecoder("id=42&lat=1.5&lon=2.5&speed=-1&bearing=-1&accuracy=-1", false).parameters(), NOW);

    assertThat(fix.fixTime()).isEqualTo(NOW);
    // -1 is how the apps say "not known".
    assertThat(fix.speed()).isNull();
    assertThat(fix.heading()).isNull();
    assertThat(fix.accuracy()).isNull();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "/?lat=1&lon=2                                  | missing_device",
      "/?id=42&lat=1                                  | missing_position",
      "/?id=42&lat=91&lon=2                           | bad_position",
      "/?id=42&lat=1&lon=-180.5                       | bad_position",
      "/?id=42&lat=NaN&lon=2                          | bad_number",
      "/?id=42&lat=1&lon=Infinity                     | bad_number",
      "/?id=42&lat=north&lon=2                        | bad_number",
      "/?id=42&lat=1&lon=2&timestamp=yesterday        | bad_time",
      "/?id=42&lat=1&lon=2&timestamp=1796123000       | future_fix",
      "/?id=42&lat=1&lon=2&bearing=400                | out_of_range",
      "/?id=42&lat=1&lon=2&batt=250                   | out_of_range",
      "/?id=42&lat=1&lon=2&speed=5000                 | out_of_range"})
  void aBadFixIsRefusedWithItsReason(String uri, String reason) {
    assertThat(reasonOf(() -> decode(uri))).isEqualTo(reason);
  }

  @Test
  void aFixTenMinutesAheadIsAcceptedAndItsMessageNamesTheClockWhenFurther() {
    assertThat(decode("/?id=42&lat=1&lon=2&timestamp=" + NOW.plusSeconds(600).getEpochSecond()).fixTime()).isEqualTo(NOW.plusSeconds(600));
    assertThatThrownBy(() -> decode("/?id=42&lat=1&lon=2&timestamp=" + NOW.plusSeconds(601).getEpochSecond()))
        .hasMessageContaining("ahead of the server's clock");
  }

  @Test
  void extrasAreBounded() {
    StringBuilder uri = new StringBuilder("/?id=42&lat=1&lon=2");
    for (int i = 0; i <= FixBuilder.MAX_ATTRIBUTES; i++) {
      uri.append("&x").append(i).append("=1");
    }
    assertThat(reasonOf(() -> decode(uri.toString()))).isEqualTo("too_many_attributes");
  }
}
