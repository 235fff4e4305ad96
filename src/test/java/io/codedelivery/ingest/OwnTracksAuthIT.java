package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Devices registered with a secret, as the OwnTracks app (HTTP mode, authentication on) and an OsmAnd client reach the
 * ingest port of the running system: the secret as HTTP Basic credentials, else 401 and nothing on
 * {@code device.positions}. "Nothing produced" is shown by order: a device's fixes share a partition, so a refused
 * fix that had been produced would be read before the accepted one sent after it.
 */
class OwnTracksAuthIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String SECRET = "correct-horse-battery-staple";
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

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> register(JsonObject device) throws Exception {
    return send(stack.request("/api/devices").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(device.encode())));
  }

  /** A location as the OwnTracks Android app posts it in HTTP mode, with its headers; credentials when given. */
  private HttpResponse<String> ownTracks(String user, String device, long tst, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingestUrl() + "/owntracks"))
        .header("content-type", "application/json; charset=UTF-8")
        .header("user-agent", "Owntracks-Android/2.5.3")
        .header("x-limit-u", user)
        .header("x-limit-d", device)
        .POST(HttpRequest.BodyPublishers.ofString(OwnTracksDecoderTest.ANDROID_LOCATION.replace("1796119180", String.valueOf(tst))));
    if (authorization != null) {
      request.header("authorization", authorization);
    }
    return send(request);
  }

  private String ingestUrl() {
    return "http://localhost:" + stack.app().config().ingestPort();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static void assertUnauthorized(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Basic "));
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("unauthorized");
  }

  @Test
  void anOwnTracksPhoneWithASecretIsAskedForItAndItsFixIsTakenOnlyWithIt() throws Exception {
    String user = "jane" + UUID.randomUUID().toString().substring(0, 8);
    String deviceId = "owntracks-" + user + "-phone";
    HttpResponse<String> created = register(new JsonObject().put("uniqueId", deviceId).put("name", "Jane's phone").put("secret", SECRET));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(new JsonObject(created.body()).getBoolean("hasSecret")).isTrue();
    long now = Instant.now().getEpochSecond();

    assertUnauthorized(ownTracks(user, "phone", now - 50, null));
    assertUnauthorized(ownTracks(user, "phone", now - 40, basic(user, "wrong-password")));
    assertUnauthorized(ownTracks(user, "phone", now - 30, basic("mallory", SECRET)));
    HttpResponse<String> accepted = ownTracks(user, "phone", now - 20, basic(user, SECRET));

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(accepted.body()).isEqualTo("[]");
    HttpResponse<String> asDeviceId = ownTracks(user, "phone", now - 10, basic(deviceId, SECRET));
    assertThat(asDeviceId.statusCode()).as("the device id is a user name too").isEqualTo(200);
    assertThat(positions.fixesOf(deviceId, 2)).extracting(DeviceFix::fixTime).as("only the fixes sent with the secret, in order")
        .containsExactly(Instant.ofEpochSecond(now - 20), Instant.ofEpochSecond(now - 10));
  }

  @Test
  void theSecretIsNeverShownAndATooShortOneIsRefused() throws Exception {
    String deviceId = "van-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(register(new JsonObject().put("uniqueId", deviceId).put("name", "Van").put("secret", SECRET)).statusCode()).isEqualTo(201);

    HttpResponse<String> one = send(stack.request("/api/devices/" + deviceId).GET());
    HttpResponse<String> list = send(stack.request("/api/devices?limit=1000").GET());
    assertThat(new JsonObject(one.body()).getBoolean("hasSecret")).isTrue();
    for (HttpResponse<String> shown : List.of(one, list)) {
      assertThat(shown.body()).contains(deviceId).doesNotContain(SECRET).doesNotContain("hmac").doesNotContain("secretHash");
    }

    HttpResponse<String> tooShort = register(new JsonObject().put("uniqueId", deviceId + "-2").put("name", "Van").put("secret", "1234567"));
    assertThat(tooShort.statusCode()).as(tooShort.body()).isEqualTo(400);
    assertThat(tooShort.body()).contains("8 to 200 characters");
    assertThat(send(stack.request("/api/devices/" + deviceId + "-2").GET()).statusCode()).as("not registered").isEqualTo(404);
  }

  @Test
  void aSecuredDeviceNeedsItsSecretOnTheOsmAndPortTooWhileOneWithoutASecretPostsAsBefore() throws Exception {
    String secured = "tracker-" + UUID.randomUUID().toString().substring(0, 8);
    String open = "phone-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(register(new JsonObject().put("uniqueId", secured).put("name", "Tracker").put("secret", SECRET)).statusCode()).isEqualTo(201);
    assertThat(register(new JsonObject().put("uniqueId", open).put("name", "Phone")).statusCode()).isEqualTo(201);
    long now = Instant.now().getEpochSecond();

    assertUnauthorized(send(HttpRequest.newBuilder(URI.create(ingestUrl() + "/?id=" + secured + "&lat=52.5&lon=13.4&timestamp=" + (now - 30))).GET()));
    HttpResponse<String> withSecret = send(HttpRequest.newBuilder(URI.create(ingestUrl() + "/?id=" + secured + "&lat=52.5&lon=13.4&timestamp=" + (now - 20)))
        .header("authorization", basic(secured, SECRET)).GET());
    assertThat(withSecret.statusCode()).as(withSecret.body()).isEqualTo(200);
    String user = "bob" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(register(new JsonObject().put("uniqueId", "owntracks-" + user + "-phone").put("name", "Bob")).statusCode()).isEqualTo(201);
    HttpResponse<String> ownTracksWithout = ownTracks(user, "phone", now - 20, null);
    HttpResponse<String> osmAndWithout = send(HttpRequest.newBuilder(URI.create(ingestUrl() + "/?id=" + open + "&lat=52.5&lon=13.4&timestamp=" + (now - 20))).GET());

    assertThat(ownTracksWithout.statusCode()).as(ownTracksWithout.body()).isEqualTo(200);
    assertThat(osmAndWithout.statusCode()).as(osmAndWithout.body()).isEqualTo(200);
    assertThat(positions.fixesOf(secured, 1)).extracting(DeviceFix::fixTime).containsExactly(Instant.ofEpochSecond(now - 20));
    assertThat(positions.fixesOf("owntracks-" + user + "-phone", 1)).hasSize(1);
  }
}
