package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and malformed requests at every REST endpoint: never a 5xx, never a stack trace, every
 * error a JSON body with {@code error} and {@code message}. The seed is fixed so a failure can be replayed.
 */
class RestFuzzIT {
  private static final long SEED = 20261130L;
  private static final int REQUESTS = 3_000;
  private static final List<String> SEGMENTS = List.of("api", "routes", "deliveries", "positions", "1", "2", "99", "",
      "..", "%2e%2e", "%00", "null", "-1", "1e9", "é", "{id}", "a".repeat(300), "00000000-0000-4000-8000-000000000000",
      "<script>", "%", "%ZZ", ";", "eventbus-not", "metrics-not", "track.gpx", "track.kml", "track.csv", "track.geojson", "summary",
      "reports", "deliveries.csv");
  private static final List<String> PARAMETERS = List.of("status", "routeId", "limit", "after", "fromSeq", "", "x", "limit[]", "from", "to",
      "date");
  private static final List<String> VALUES = List.of("", "0", "-1", "1", "100", "101", "9999999999999999999", "abc",
      "finished", "in-transit", "lost", "1.5", "NaN", "00000000-0000-4000-8000-000000000000", "%", "\u0000", "'; drop",
      "x".repeat(2_000), "2026-12-01", "2026-12-01T00:00:00Z", "2286-11-20T17:46:40Z", "+999999999-12-31T23:59:59Z", "-1-01-01");
  private static final List<String> BODIES = List.of("", "{", "}", "[]", "null", "42", "\"routeId\"", "{\"routeId\":null}",
      "{\"routeId\":[\"1\"]}", "{\"routeId\":{\"$gt\":\"\"}}", "{\"routeId\":\"99\",\"clientId\":7}", "{\"routeId\":true}",
      "{\"routeId\":\"" + "9".repeat(10_000) + "\"}", "\u0000\u0001\u0002", "{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}",
      "{\"routeId\":\"1\",\"routeId\":\"2\"}", "{\"routeId\":\"\"}");
  private static final List<String> METHODS = List.of("GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");

  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Random random = new Random(SEED);

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  private String randomPath() {
    StringBuilder path = new StringBuilder(random.nextInt(4) == 0 ? "" : "/api");
    int segments = random.nextInt(4);
    for (int i = 0; i < segments; i++) {
      String segment = random.nextInt(5) == 0 ? UUID.randomUUID().toString() : pick(SEGMENTS);
      path.append('/').append(segment.contains("%") || segment.startsWith("{") ? segment : URLEncoder.encode(segment, StandardCharsets.UTF_8));
    }
    if (path.isEmpty()) {
      path.append('/');
    }
    if (random.nextBoolean()) {
      List<String> pairs = new ArrayList<>();
      for (int i = random.nextInt(4); i >= 0; i--) {
        pairs.add(URLEncoder.encode(pick(PARAMETERS), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(pick(VALUES), StandardCharsets.UTF_8));
      }
      path.append('?').append(String.join("&", pairs));
    }
    return path.toString();
  }

  @Test
  void noRandomRequestGetsA5xxOrAStackTraceAndEveryErrorIsJson() throws Exception {
    String admin = "Bearer " + stack.adminToken();
    List<String> authorizations = Arrays.asList(admin, admin, admin, admin, admin, admin, null, "Bearer not-a-token");
    int errors = 0;
    for (int i = 0; i < REQUESTS; i++) {
      String method = pick(METHODS);
      String path = randomPath();
      URI uri;
      try {
        uri = URI.create(stack.baseUrl() + path);
      } catch (IllegalArgumentException notAUri) {
        continue;
      }
      String body = pick(BODIES);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
      // Mostly as the admin, so that the requests reach the endpoints behind the sign-in check; now and then
      // with no credentials or a forged token, which the check itself must refuse as cleanly.
      String authorization = pick(authorizations);
      if (authorization != null) {
        request.header("authorization", authorization);
      }
      if (random.nextBoolean()) {
        request.header("content-type", pick(List.of("application/json", "text/plain", "application/x-www-form-urlencoded")));
      }
      request.method(method, method.equals("GET") || method.equals("HEAD") || random.nextInt(4) == 0
          ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

      String what = method + " " + path + " → " + response.statusCode() + " " + abbreviate(response.body());
      assertThat(response.statusCode()).as(what).isLessThan(500);
      assertThat(response.body()).as(what).doesNotContain("Exception", "\tat ", "at io.");
      if (response.statusCode() >= 400 && !method.equals("HEAD")) {
        errors++;
        assertThat(response.body()).as(what).startsWith("{");
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).as(what).isNotBlank();
        assertThat(error.getString("message")).as(what).isNotBlank();
      }
    }
    assertThat(errors).as("most random requests are refused").isGreaterThan(REQUESTS / 2);
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
