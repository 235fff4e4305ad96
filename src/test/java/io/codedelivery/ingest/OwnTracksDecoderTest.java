package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The OwnTracks decoder, on the location message of the OwnTracks booklet (owntracks.org/booklet/tech/json). */
class OwnTracksDecoderTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  /** What the Android app posts in HTTP mode: no topic; user and device come as X-Limit-U and X-Limit-D. */
  static final String ANDROID_LOCATION = """
      {"_type":"location","acc":13,"alt":129,"batt":85,"bs":1,"conn":"w","created_at":1796119190,"lat":48.85833,
       "lon":2.29513,"m":1,"t":"u","tid":"JJ","tst":1796119180,"vac":4,"vel":36,"cog":270,"inregions":["home"]}""";
  private final OwnTracksDecoder decoder = new OwnTracksDecoder(Duration.ofMinutes(10));

  @Test
  void androidsLocationIsTheFixOfTheUserAndDeviceHeadersWithVelocityInMetresPerSecond() {
    DeviceFix fix = decoder.decode(ANDROID_LOCATION, "jane", "phone", NOW).orElseThrow();

    assertThat(fix.deviceId()).isEqualTo("owntracks-jane-phone");
    assertThat(fix.fixTime()).isEqualTo(Instant.ofEpochSecond(1796119180));
    assertThat(fix.position()).isEqualTo(new LatLon(48.85833, 2.29513));
    assertThat(fix.speed()).isEqualTo(10.0);
    assertThat(fix.heading()).isEqualTo(270.0);
    assertThat(fix.accuracy()).isEqualTo(13.0);
    assertThat(fix.altitude()).isEqualTo(129.0);
    assertThat(fix.battery()).isEqualTo(85.0);
    assertThat(fix.source()).isEqualTo("owntracks");
    assertThat(fix.attributes().getMap()).containsEntry("conn", "w").containsEntry("tid", "JJ").doesNotContainKey("inregions");
  }

  @Test
  void theTopicNamesTheDeviceAsTraccarReadsItAndWithoutEitherTheTrackerIdDoes() {
    String ios = "{\"_type\":\"location\",\"topic\":\"owntracks/jane/phone\",\"tid\":\"JJ\",\"lat\":1,\"lon\":2,\"tst\":1796119180}";
    assertThat(decoder.decode(ios, null, null, NOW).orElseThrow().deviceId()).isEqualTo("owntracks-jane-phone");

    String bare = "{\"_type\":\"location\",\"tid\":\"JJ\",\"lat\":1,\"lon\":2,\"tst\":1796119180}";
    assertThat(decoder.decode(bare, null, null, NOW).orElseThrow().deviceId()).isEqualTo("JJ");
  }

  @Test
  void otherMessagesAndTheEmptyBodyProduceNothing() {
    assertThat(decoder.decode("{\"_type\":\"transition\",\"event\":\"enter\",\"tst\":1796119180}", "jane", "phone", NOW)).isEqualTo(Optional.empty());
    assertThat(decoder.decode("", "jane", "phone", NOW)).isEmpty();
  }

  @Test
  void aLocationWithoutAPositionOrNotJsonIsRefused() {
    assertThatThrownBy(() -> decoder.decode("{\"_type\":\"location\",\"tid\":\"JJ\",\"tst\":1796119180}", null, null, NOW))
        .isInstanceOfSatisfying(BadFix.class, bad -> assertThat(bad.reason()).isEqualTo("missing_position"));
    assertThatThrownBy(() -> decoder.decode("lat=1", null, null, NOW))
        .isInstanceOfSatisfying(BadFix.class, bad -> assertThat(bad.reason()).isEqualTo("bad_json"));
  }
}
