package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Setting;
import io.vertx.core.net.HostAndPort;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the driver page's policy lets it post fixes, for each way the page can be reached. */
class SecurityHeadersTest {
  private static final AppConfig DEFAULTS = AppConfig.load(Map.of());

  @Test
  void aConfiguredPublicIngestionUrlIsAllowedByItsOriginWhateverHostThePageWasAskedFor() {
    AppConfig config = DEFAULTS.with(Map.of(Setting.INGEST_PUBLIC_URL, "https://ingest.example:8443/osmand?x=1"));

    assertThat(SecurityHeaders.ingestSource(config, HostAndPort.create("track.example", 443))).isEqualTo("https://ingest.example:8443");
  }

  @Test
  void withoutOneThePageHostOnTheIngestionPortIsAllowed() {
    assertThat(SecurityHeaders.ingestSource(DEFAULTS, HostAndPort.create("track.example", 8080))).isEqualTo("track.example:5055");
    assertThat(SecurityHeaders.ingestSource(DEFAULTS, HostAndPort.create("192.168.1.20", -1))).isEqualTo("192.168.1.20:5055");
    assertThat(SecurityHeaders.ingestSource(DEFAULTS, HostAndPort.create("::1", 8080))).isEqualTo("[::1]:5055");
  }

  @Test
  void aHostHeaderThatIsNoHostAddsNothingToThePolicy() {
    for (String host : new String[] {"evil.example; script-src *", "a b", "x'", "*"}) {
      assertThat(SecurityHeaders.ingestSource(DEFAULTS, HostAndPort.create(host, 80))).as(host).isEmpty();
    }
    assertThat(SecurityHeaders.ingestSource(DEFAULTS, null)).isEmpty();
  }
}
