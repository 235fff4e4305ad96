package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Position;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST API through a real HTTP client against the running server. */
class RestApiIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(stack.request(path).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(stack.request(path).timeout(TIMEOUT)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String startDelivery(String routeId) throws Exception {
    HttpResponse<String> response = post("/api/deliveries", new JsonObject().put("routeId", routeId).encode());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String id = new JsonObject(response.body()).getString("deliveryId");
    assertThat(response.headers().firstValue("location")).hasValue("/api/deliveries/" + id);
    return id;
  }

  private JsonObject finishedDelivery(String id) throws Exception {
    await().atMost(WAIT).until(() -> {
      HttpResponse<String> response = get("/api/deliveries/" + id);
      return response.statusCode() == 200 && "finished".equals(new JsonObject(response.body()).getString("status"));
    });
    return new JsonObject(get("/api/deliveries/" + id).body());
  }

  private static void assertJsonError(HttpResponse<String> response, int status, String messagePart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonObject error = new JsonObject(response.body());
    assertThat(error.getString("error")).isNotBlank();
    assertThat(error.getString("message")).contains(messagePart);
  }

  @Test
  void theRouteCatalogueIsServedWithPointsAndEnds() throws Exception {
    JsonArray routes = new JsonArray(get("/api/routes").body());
    JsonObject one = new JsonObject(get("/api/routes/1").body());

    assertThat(routes).hasSize(3);
    assertThat(one.getString("title")).isNotBlank();
    assertThat(one.getJsonArray("points")).hasSize(stack.app().routes().find("1").orElseThrow().points().size());
    assertThat(one.getJsonObject("startPosition").getDouble("lat")).isEqualTo(-15.82594);
    assertJsonError(get("/api/routes/99"), 404, "no route '99'");
  }

  @Test
  void aStartedDeliveryCanBeFollowedToItsStoredTrack() throws Exception {
    String id = startDelivery("2");
    int points = stack.app().routes().find("2").orElseThrow().points().size();

    JsonObject delivery = finishedDelivery(id);
    JsonArray track = new JsonArray(get("/api/deliveries/" + id + "/positions").body());
    JsonArray tail = new JsonArray(get("/api/deliveries/" + id + "/positions?fromSeq=" + (points - 5)).body());

    assertThat(delivery.getLong("lastSeq")).isEqualTo(points - 1);
    assertThat(delivery.getString("title")).isNotBlank();
    assertThat(Instant.parse(delivery.getString("finishedAt"))).isAfterOrEqualTo(Instant.parse(delivery.getString("startedAt")));
    assertThat(track).hasSize(points);
    for (int i = 0; i < points; i++) {
      JsonObject stored = track.getJsonObject(i);
      assertThat(stored.getLong("seq")).isEqualTo(i);
      assertThat(Position.fromJson(stored).toJson()).as("a stored position reads back exactly as the topic carried it")
          .isEqualTo(stored);
    }
    assertThat(track.getJsonObject(points - 1).getBoolean("finished")).isTrue();
    assertThat(tail.stream().map(p -> ((JsonObject) p).getLong("seq"))).containsExactly(
        (long) points - 5, (long) points - 4, (long) points - 3, (long) points - 2, (long) points - 1);
  }

  @Test
  void theDeliveryListPagesNewestFirstWithoutOverlap() throws Exception {
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      started.add(startDelivery("1"));
    }
    for (String id : started) {
      finishedDelivery(id);
    }

    Set<String> seen = new HashSet<>();
    List<Instant> startTimes = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = new JsonObject(get("/api/deliveries?status=finished&routeId=1&limit=2" + (cursor == null ? "" : "&after=" + cursor)).body());
      JsonArray items = page.getJsonArray("items");
      // A filtered page examines a bounded stretch of deliveries, so it may come back short, even empty.
      assertThat(items.size()).isLessThanOrEqualTo(2);
      for (Object item : items) {
        JsonObject delivery = (JsonObject) item;
        assertThat(seen.add(delivery.getString("deliveryId"))).as("no delivery on two pages").isTrue();
        assertThat(delivery.getString("routeId")).isEqualTo("1");
        startTimes.add(Instant.parse(delivery.getString("startedAt")));
      }
      cursor = page.getString("next");
      pages++;
    } while (cursor != null && pages < 100);

    assertThat(seen).containsAll(started);
    assertThat(pages).isGreaterThanOrEqualTo(2);
    for (int i = 1; i < startTimes.size(); i++) {
      assertThat(startTimes.get(i)).as("newest first").isBeforeOrEqualTo(startTimes.get(i - 1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/deliveries/not-a-uuid",
      "/api/deliveries/0000000-0000-4000-8000-000000000000/positions",
      "/api/deliveries?limit=0",
      "/api/deliveries?limit=101",
      "/api/deliveries?limit=ten",
      "/api/deliveries?status=lost",
      "/api/deliveries?status=finished,lost",
      "/api/deliveries?status=finished,",
      "/api/deliveries?routeId=99",
      "/api/deliveries?after=yesterday",
      "/api/deliveries?after=" + UNKNOWN_ID,
      "/api/deliveries?sort=asc",
      "/api/deliveries?limit=1&limit=2",
      "/api/deliveries/" + UNKNOWN_ID + "/positions?fromSeq=-1",
      "/api/deliveries/" + UNKNOWN_ID + "/positions?fromSeq=1e3",
      "/api/deliveries?from=yesterday",
      "/api/deliveries?to=2026-12-01",
      "/api/deliveries?to=3000-01-01T00:00:00Z",
      "/api/deliveries?from=1969-12-31T23:59:59Z",
      "/api/deliveries?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
      "/api/deliveries?from=2026-12-01T00:00:00Z&to=2026-12-01T00:00:00Z",
      "/api/deliveries/not-a-uuid/track.gpx",
      "/api/deliveries/not-a-uuid/summary",
      "/api/deliveries/" + UNKNOWN_ID + "/track.csv?format=excel",
      "/api/reports/deliveries.csv",
      "/api/reports/deliveries.csv?date=2026-02-30",
      "/api/reports/deliveries.csv?date=2026-12-01T00:00:00Z",
      "/api/reports/deliveries.csv?date=2026-12-01&date=2026-12-02"})
  void badIdsAndParametersAre400WithAJsonError(String path) throws Exception {
    HttpResponse<String> response = get(path);

    assertJsonError(response, 400, "");
  }

  @Test
  void unknownDeliveriesAndEndpointsAre404WithAJsonError() throws Exception {
    assertJsonError(get("/api/deliveries/" + UNKNOWN_ID), 404, "no delivery " + UNKNOWN_ID);
    assertJsonError(get("/api/deliveries/" + UNKNOWN_ID + "/positions"), 404, "no delivery " + UNKNOWN_ID);
    for (String export : List.of("track.gpx", "track.kml", "track.csv", "track.geojson", "summary")) {
      assertJsonError(get("/api/deliveries/" + UNKNOWN_ID + "/" + export), 404, "no delivery " + UNKNOWN_ID);
    }
    assertJsonError(get("/api/nothing-here"), 404, "/api/nothing-here");
  }

  private HttpResponse<String> send(String method, HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(TIMEOUT).method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The management port asks for no credentials: probes and scrapers have none. */
  private HttpRequest.Builder management(String path) {
    return HttpRequest.newBuilder(URI.create(stack.managementUrl() + path));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "DELETE | /api/routes | GET, HEAD, POST",
      "PUT    | /api/routes/1 | GET, HEAD",
      "PATCH  | /api/deliveries | GET, HEAD, POST",
      "DELETE | /api/deliveries/" + UNKNOWN_ID + "/positions | GET, HEAD",
      "POST   | /api/deliveries/" + UNKNOWN_ID + "/track.gpx | GET, HEAD",
      "PUT    | /api/reports/deliveries.csv | GET, HEAD"})
  void methodsAnEndpointDoesNotServeAre405NamingTheOnesItDoes(String method, String path, String allowed) throws Exception {
    HttpResponse<String> response = send(method, stack.request(path));

    assertJsonError(response, 405, method + " is not allowed on /api/");
    assertThat(response.headers().firstValue("allow")).hasValue(allowed);
  }

  @Test
  void headIsServedWhereverGetIsWithTheHeadersAndNoBody() throws Exception {
    HttpResponse<String> routes = send("HEAD", stack.request("/api/routes"));
    HttpResponse<String> live = send("HEAD", management("/health/live"));

    assertThat(routes.statusCode()).isEqualTo(200);
    assertThat(routes.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(routes.body()).isEmpty();
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEmpty();
    assertJsonError(send("DELETE", management("/health/live")), 405, "DELETE is not allowed on /health/live");
    assertThat(send("HEAD", stack.request("/api/nothing-here")).statusCode()).isEqualTo(404);
    assertJsonError(send("DELETE", stack.request("/api/nothing-here")), 404, "/api/nothing-here");
  }

  @Test
  void thePageAndTheApiCarryAStrictContentSecurityPolicyAndNoCorsByDefault() throws Exception {
    HttpResponse<String> page = get("/");
    HttpResponse<String> preflight = http.send(stack.request("/api/routes")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://elsewhere.example")
        .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> crossOrigin = http.send(stack.request("/api/routes")
        .header("Origin", "https://elsewhere.example").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp -> assertThat(csp)
        .contains("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval"));
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
    assertThat(page.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(crossOrigin.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void badStartRequestsGetTheSameAnswersAsOnTheEventBus() throws Exception {
    assertJsonError(post("/api/deliveries", "{\"routeId\":\"77\"}"), 404, "unknown route '77'");
    assertJsonError(post("/api/deliveries", "{\"routeId\":7}"), 400, "'routeId' is required");
    assertJsonError(post("/api/deliveries", "{not json"), 400, "JSON object");
    assertJsonError(post("/api/deliveries", "[1,2]"), 400, "JSON object");
    assertJsonError(post("/api/deliveries", ""), 400, "JSON object");
    assertJsonError(post("/api/deliveries", "{\"routeId\":\"" + "x".repeat(10_000) + "\"}"), 413, "");
  }
}
