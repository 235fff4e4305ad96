package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Phones' requests on the ingest port of the running system, each fix read back from {@code device.positions} with a
 * plain Kafka consumer. "Nothing produced" is shown by order: a device's fixes share one partition, so a refused fix
 * that had been produced would be read before the good fix sent after it.
 */
class IngestIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private DevicePositionsReader positions;

  @BeforeEach
  void readDevicePositionsFromTheStart() {
    positions = new DevicePositionsReader(stack);
  }

  @AfterEach
  void close() {
    positions.close();
  }

  private String ingestUrl() {
    return "http://localhost:" + stack.app().config().ingestPort();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> osmAnd(String query) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(ingestUrl() + "/?" + query)).GET());
  }

  private HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingestUrl() + path)).header("content-type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request);
  }

  private String register(String uniqueId) throws Exception {
    HttpResponse<String> created = send(stack.request("/api/devices")
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("uniqueId", uniqueId).put("name", "IT " + uniqueId).encode())));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return uniqueId;
  }

  private static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void assertRefused(HttpResponse<String> response, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("reason")).as(response.body()).isEqualTo(reason);
    assertThat(response.headers().firstValue("access-control-allow-origin")).as("the driver page can read why")
        .hasValue("*");
  }

  @Test
  void aFixInEachProtocolIsOnDevicePositionsAsOneDeviceFix() throws Exception {
    String phone = register(newId("osmand"));
    long seconds = Instant.now().minusSeconds(30).getEpochSecond();
    HttpResponse<String> osmAnd = osmAnd("id=" + phone + "&timestamp=" + seconds
        + "&lat=52.52&lon=13.405&speed=10&bearing=90&altitude=34&accuracy=5&batt=87&charge=true");
    assertThat(osmAnd.statusCode()).as(osmAnd.body()).isEqualTo(200);
    assertThat(osmAnd.headers().firstValue("access-control-allow-origin")).as("the driver page can read it").hasValue("*");

    String client = register(newId("traccar"));
    String fixTime = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.MILLIS).toString();
    HttpResponse<String> traccar = post("/", "application/json", TraccarJsonDecoderTest.CLIENT_BODY
        .replace("48241179", client).replace("2026-12-01T09:59:58.250Z", fixTime));
    assertThat(traccar.statusCode()).as(traccar.body()).isEqualTo(200);

    String user = newId("jane");
    String owntracksDevice = register("owntracks-" + user + "-phone");
    HttpResponse<String> ownTracks = post("/owntracks", "application/json",
        OwnTracksDecoderTest.ANDROID_LOCATION.replace("1796119180", String.valueOf(seconds)), "X-Limit-U", user, "X-Limit-D", "phone");
    assertThat(ownTracks.statusCode()).as(ownTracks.body()).isEqualTo(200);
    assertThat(ownTracks.body()).isEqualTo("[]");

    DeviceFix fromOsmAnd = positions.fixesOf(phone, 1).get(0);
    assertThat(fromOsmAnd.fixTime()).isEqualTo(Instant.ofEpochSecond(seconds));
    assertThat(fromOsmAnd.position()).isEqualTo(new LatLon(52.52, 13.405));
    assertThat(fromOsmAnd.speed()).as("10 knots in m/s").isCloseTo(5.144, org.assertj.core.data.Offset.offset(0.001));
    assertThat(fromOsmAnd.battery()).isEqualTo(87.0);
    assertThat(fromOsmAnd.source()).isEqualTo("osmand");
    assertThat(fromOsmAnd.attributes().getBoolean("charge")).isTrue();

    DeviceFix fromTraccar = positions.fixesOf(client, 1).get(0);
    assertThat(fromTraccar.fixTime()).isEqualTo(Instant.parse(fixTime));
    assertThat(fromTraccar.position()).isEqualTo(new LatLon(-23.5505, -46.6333));
    assertThat(fromTraccar.speed()).isEqualTo(12.5);
    assertThat(fromTraccar.battery()).isEqualTo(87.0);
    assertThat(fromTraccar.source()).isEqualTo("traccar");

    DeviceFix fromOwnTracks = positions.fixesOf(owntracksDevice, 1).get(0);
    assertThat(fromOwnTracks.fixTime()).isEqualTo(Instant.ofEpochSecond(seconds));
    assertThat(fromOwnTracks.speed()).as("36 km/h in m/s").isEqualTo(10.0);
    assertThat(fromOwnTracks.source()).isEqualTo("owntracks");
  }

  @Test
  void anUnknownDeviceIsRefusedAndNothingIsProducedUntilItIsRegistered() throws Exception {
    String ghost = newId("ghost");
    assertRefused(osmAnd("id=" + ghost + "&lat=1&lon=2&timestamp=1700000000"), "unknown_device");

    register(ghost);
    assertThat(osmAnd("id=" + ghost + "&lat=1&lon=2&timestamp=1700000001").statusCode()).isEqualTo(200);

    assertThat(positions.fixesOf(ghost, 1)).extracting(DeviceFix::fixTime).containsExactly(Instant.ofEpochSecond(1700000001));
  }

  @Test
  void everyBadFixIsRefusedWithItsReasonCountedAndNothingProduced() throws Exception {
    String van = register(newId("van"));
    long now = Instant.now().getEpochSecond();
    assertRefused(osmAnd("id=" + van + "&lat=91&lon=2"), "bad_position");
    assertRefused(osmAnd("id=" + van + "&lat=NaN&lon=2"), "bad_number");
    assertRefused(osmAnd("lat=1&lon=2"), "missing_device");
    assertRefused(osmAnd("id=" + van + "&lat=1&lon=2&timestamp=" + (now + 3600)), "future_fix");
    assertRefused(post("/", "application/json", "{\"device_id\":\"" + van + "\",\"location\":"), "bad_json");
    String tooLarge = "id=" + van + "&lat=1&lon=2&note=" + "x".repeat(stack.app().config().ingestMaxBodyBytes());
    assertRefused(post("/", "application/x-www-form-urlencoded", tooLarge), "body_too_large");

    assertThat(osmAnd("id=" + van + "&lat=1&lon=2&timestamp=" + now).statusCode()).isEqualTo(200);
    assertThat(positions.fixesOf(van, 1)).extracting(DeviceFix::fixTime).containsExactly(Instant.ofEpochSecond(now));
    assertThat(positions.read()).noneMatch(r -> r.key() == null);

    String metrics = send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/metrics"))).body();
    for (String reason : List.of("bad_position", "bad_number", "missing_device", "future_fix", "bad_json", "body_too_large")) {
      assertThat(metrics).contains("codedelivery_fixes_refused_total{reason=\"" + reason + "\"");
    }
  }

  @Test
  void aResentFixIsTheSameFix() throws Exception {
    String phone = register(newId("resend"));
    String fix = "id=" + phone + "&lat=1.5&lon=2.5&speed=4&timestamp=" + Instant.now().minusSeconds(5).getEpochSecond();

    assertThat(osmAnd(fix).statusCode()).isEqualTo(200);
    assertThat(osmAnd(fix).statusCode()).isEqualTo(200);

    List<DeviceFix> both = positions.fixesOf(phone, 2);
    assertThat(both).hasSize(2);
    assertThat(both.get(1)).usingRecursiveComparison().ignoringFields("receivedAt").isEqualTo(both.get(0));
  }
}
