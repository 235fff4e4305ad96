package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Role;
import io.codedelivery.config.Setting;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.persistence.RouteStore;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routes uploaded as GeoJSON and GPX through a real HTTP client, then driven. The process that takes the upload runs
 * the web and bridge roles only; the simulation, tracking and persistence run in a second process, as separately
 * scaled tiers do, so a delivery on an uploaded route finishing in the store shows that processes which did not take
 * the upload learn the route.
 */
class RouteUploadIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_POINTS = 500;
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String GEOJSON = "application/geo+json";
  private static final String GPX = "application/gpx+xml";
  private static TestStack stack;
  private static TestStack drivingTier;
  private static StoreProbe store;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() {
    stack = TestStack.start(Map.of(Setting.ROLES, "bridge,web",
        Setting.ROUTES_MAX_POINTS, String.valueOf(MAX_POINTS), Setting.ROUTES_MAX_BODY_BYTES, String.valueOf(MAX_BODY_BYTES)));
    drivingTier = TestStack.alongside(stack, Set.of(Role.SIMULATION, Role.TRACKING, Role.PERSISTENCE));
    store = new StoreProbe(stack.app());
  }

  @AfterAll
  static void stopStack() {
    if (drivingTier != null) {
      drivingTier.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(stack.request(path).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request = stack.request(path).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("content-type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String resource(String name) throws Exception {
    return Files.readString(Path.of("src/test/resources/routes", name));
  }

  /** A GeoJSON line of this many points near Brasília, longitude first. */
  private static String line(int points) {
    JsonArray coordinates = new JsonArray(IntStream.range(0, points)
        .mapToObj(i -> new JsonArray().add(-47.90 + i * 0.0005).add(-15.80 - i * 0.0003)).toList());
    return new JsonObject().put("type", "LineString").put("coordinates", coordinates).encode();
  }

  private JsonObject uploaded(String query, String contentType, String body) throws Exception {
    HttpResponse<String> response = post("/api/routes" + query, contentType, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonObject route = new JsonObject(response.body());
    assertThat(response.headers().firstValue("location")).hasValue("/api/routes/" + route.getString("id"));
    return route;
  }

  private String startDelivery(String routeId) throws Exception {
    HttpResponse<String> response = post("/api/deliveries", "application/json", new JsonObject().put("routeId", routeId).encode());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new JsonObject(response.body()).getString("deliveryId");
  }

  private static void assertError(HttpResponse<String> response, int status, String messagePart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("message")).contains(messagePart);
  }

  @Test
  void aGeoJsonLineIsStoredUnderANewIdAndServedBackLatitudeFirst() throws Exception {
    JsonObject route = uploaded("", GEOJSON, resource("geojson-io.geojson"));

    assertThat(route.getString("id")).matches("r[a-z2-9]{11}");
    assertThat(route.getString("title")).isEqualTo("Esplanada loop");
    assertThat(route.getJsonObject("startPosition")).isEqualTo(new JsonObject().put("lat", -15.7989).put("lon", -47.8825));
    assertThat(route.getJsonArray("points")).hasSize(4);
    assertThat(route.getLong("lengthMetres")).isBetween(1_000L, 1_500L);
    assertThat(new JsonObject(get("/api/routes/" + route.getString("id")).body())).isEqualTo(route);
    assertThat(new JsonArray(get("/api/routes").body()).stream().map(r -> ((JsonObject) r).getString("id")))
        .contains("1", "2", "3", route.getString("id"));
  }

  @Test
  void aGpxTrackIsStoredUnderTheIdAskedForOnceOnly() throws Exception {
    JsonObject route = uploaded("?id=osmand-morning", "application/gpx+xml; charset=utf-8", resource("osmand-track.gpx"));

    assertThat(route.getString("id")).isEqualTo("osmand-morning");
    assertThat(route.getString("title")).isEqualTo("Eixo Monumental & W3 Sul");
    assertThat(route.getJsonArray("points")).hasSize(5);
    assertThat(new JsonObject(get("/api/routes/osmand-morning").body())).isEqualTo(route);
    assertError(post("/api/routes?id=osmand-morning", "text/xml", resource("garmin-route.gpx")), 409, "exists already");
    assertError(post("/api/routes?id=1", GEOJSON, line(3)), 409, "exists already");
    assertThat(new JsonObject(get("/api/routes/osmand-morning").body())).as("the first upload is kept").isEqualTo(route);
  }

  @Test
  void aDeliveryOnAnUploadedRouteIsDrivenAndStoredByTheOtherProcess() throws Exception {
    String routeId = uploaded("", GPX, resource("garmin-route.gpx")).getString("id");
    String second = uploaded("", GEOJSON, line(40)).getString("id");

    List<String> deliveries = List.of(startDelivery(routeId), startDelivery(second));

    for (String id : deliveries) {
      await().atMost(WAIT).until(() -> store.isFinished(id));
      assertThat(store.storedSeqs(id)).as("every position stored, none dead-lettered").isEqualTo(store.wholeTrack(id));
    }
    JsonObject delivery = new JsonObject(get("/api/deliveries/" + deliveries.get(1)).body());
    assertThat(delivery.getString("routeId")).isEqualTo(second);
    assertThat(delivery.getLong("pointCount")).isEqualTo(40);
    assertThat(delivery.getDouble("progress")).isEqualTo(1.0);
    assertThat(new JsonObject(get("/api/deliveries?routeId=" + second).body()).getJsonArray("items")).hasSize(1);
  }

  @Test
  void aRouteAnotherProcessStoredIsServedListedAndDrivenHere() throws Exception {
    Route elsewhere = new Route("stored-elsewhere", "Stored by another web process",
        List.of(new LatLon(-15.79, -47.88), new LatLon(-15.80, -47.89), new LatLon(-15.81, -47.90)));
    assertThat(StoreProbe.await(RouteStore.create(store.mongo(), elsewhere))).isTrue();

    assertThat(new JsonObject(get("/api/routes/stored-elsewhere").body())).isEqualTo(elsewhere.toJson());
    assertThat(new JsonArray(get("/api/routes").body()).stream().map(r -> ((JsonObject) r).getString("id"))).contains("stored-elsewhere");
    String delivery = startDelivery("stored-elsewhere");
    await().atMost(WAIT).until(() -> store.isFinished(delivery));
    assertThat(store.storedSeqs(delivery)).containsExactly(0L, 1L, 2L);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "application/geo+json | {\"type\":\"Point\",\"coordinates\":[1,2]}                           | GeoJSON: the GeoJSON object is a Point",
      "application/json     | {\"type\":\"LineString\",\"coordinates\":[[1,2]]}                    | GeoJSON: a route needs at least 2 points; this one has 1",
      "application/json     | {\"type\":\"LineString\",\"coordinates\":[[1,2],[200,2]]}            | longitude 200.0 is outside -180..180",
      "application/geo+json | {\"type\":\"LineString\",\"coordinates\":[[1,2],[3,-91]]}            | latitude -91.0 is outside -90..90",
      "application/geo+json | {\"type\":\"LineString\",                                              | GeoJSON: the body is not valid JSON",
      "application/gpx+xml  | <gpx><trk><trkseg><trkpt lat='NaN' lon='1'/></trkseg></trk></gpx>    | GPX: track point 1: lat 'NaN' is not a number",
      "text/xml             | <gpx><rte><rtept lat='1' lon='2'/></rte></gpx>                       | GPX: a route needs at least 2 points; this one has 1",
      "application/xml      | <gpx><trk>                                                           | GPX: the body is not well-formed XML",
      "application/xml      | <kml/>                                                               | not <gpx>",
  })
  void aFileThatIsNoRouteIsRefusedWith400SayingWhy(String contentType, String body, String reason) throws Exception {
    assertError(post("/api/routes?id=refused", contentType, body.replace('\'', '"')), 400, reason);
    assertThat(get("/api/routes/refused").statusCode()).as("nothing stored").isEqualTo(404);
  }

  @Test
  void limitsIdsAndMediaTypesAreEnforced() throws Exception {
    assertError(post("/api/routes", GEOJSON, line(MAX_POINTS + 1)), 400, "more than " + MAX_POINTS + " points");
    assertThat(post("/api/routes", GEOJSON, line(MAX_POINTS)).statusCode()).isEqualTo(201);
    assertError(post("/api/routes", GEOJSON, " ".repeat(MAX_BODY_BYTES) + line(2)), 413, "larger than " + MAX_BODY_BYTES + " bytes");
    assertError(post("/api/routes?id=a/b", GEOJSON, line(2)), 400, "'id' must be 1-64 letters, digits");
    assertError(post("/api/routes?id=" + "x".repeat(65), GEOJSON, line(2)), 400, "'id' must be");
    assertError(post("/api/routes?name=x", GEOJSON, line(2)), 400, "unknown parameter 'name'");
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/vnd.google-earth.kml+xml"}) {
      assertError(post("/api/routes", type, line(2)), 415, "application/geo+json or application/json or application/gpx+xml");
    }
    assertError(post("/api/routes", null, line(2)), 415, "this request's is missing");
    assertError(get("/api/routes/no-such-route"), 404, "no route 'no-such-route'");
  }

  @Test
  void gpxWithEntitiesIsRefusedAndNothingItNamesIsRead() throws Exception {
    try (HostileGpx hostile = new HostileGpx()) {
      for (String gpx : List.of(HostileGpx.billionLaughs(), hostile.externalEntity(), hostile.externalDtd())) {
        assertError(post("/api/routes?id=entities", GPX, gpx), 400, "GPX: a GPX file may not have a DOCTYPE");
      }
      assertThat(hostile.fetched()).as("requests the server made for the uploads").isZero();
      assertThat(get("/api/routes/entities").statusCode()).isEqualTo(404);
    }
  }
}
