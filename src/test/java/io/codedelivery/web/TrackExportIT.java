package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Topics;
import io.codedelivery.support.KafkaRecords;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Issue 18's history and exports with real clients: a phone's delivery fed a known track (a drive, a three-minute
 * stop, a drive on) and completed, and a simulated one run to its end. Each export parses with an ordinary parser
 * and holds every stored point as {@code /positions} gives it; the summary's figures match the track fed; the list's
 * date range and status find them; the day's report has a line for each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackExportIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
  /** Everything XML, JSON and CSV must escape or quote. */
  private static final String REFERENCE = "Order 7, \"rush\" <b>&";
  private static final double METRES_PER_DEGREE = 111_195.0;
  private static final double SPEED = 10.0;

  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<DeviceFix> fed = new ArrayList<>();
  private String device;
  private String simulated;

  /** A point in the track, as every format and {@code /positions} can give it. */
  record Point(double lat, double lon, String time) {
  }

  @BeforeAll
  void runBothDeliveries() throws Exception {
    simulated = new JsonObject(post("/api/deliveries", new JsonObject().put("routeId", "2").encode()).body()).getString("deliveryId");
    String deviceId = "export-" + UUID.randomUUID();
    assertThat(post("/api/devices", new JsonObject().put("uniqueId", deviceId).put("name", "Van").encode()).statusCode()).isEqualTo(201);
    HttpResponse<String> assigned = post("/api/deliveries", new JsonObject().put("deviceId", deviceId)
        .put("destination", new LatLon(-15.0, -47.0).toJson()).put("reference", REFERENCE)
        .put("customer", new JsonObject().put("name", "=cmd|' /C calc'!A0")).put("promisedBy", Instant.now().plusSeconds(3600).toString()).encode());
    assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(202);
    device = new JsonObject(assigned.body()).getString("deliveryId");

    // North at 10 m/s, a fix every 10 s; standing three minutes (the fixes wandering a few metres); on again, the last
    // fix some 20 s before the operator completes the delivery where it was last seen (so that is no second stop).
    Instant start = Instant.now().minusSeconds(700).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    double north = 0;
    int second = 0;
    for (int i = 0; i < 30; i++, second += 10, north += SPEED * 10) {
      fed.add(fix(deviceId, start.plusSeconds(second), north, SPEED));
    }
    for (int i = 0; i <= 18; i++, second += 10) {
      fed.add(fix(deviceId, start.plusSeconds(second), north + (i % 3), 0.0));
    }
    for (int i = 0; i < 20; i++, second += 10, north += SPEED * 10) {
      fed.add(fix(deviceId, start.plusSeconds(second), north, SPEED));
    }
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      for (DeviceFix fix : fed) {
        KafkaRecords.send(producer, Topics.DEVICE_POSITIONS, deviceId, fix.toJson().encode());
      }
    }
    // Completing ends where the delivery was last seen, which its document learns just after the positions are stored.
    LatLon last = fed.get(fed.size() - 1).position();
    await().atMost(WAIT).until(() -> positions(device).size() == fed.size()
        && last.toJson().equals(delivery(device).getJsonObject("lastPosition")));
    HttpResponse<String> completed = post("/api/deliveries/" + device + "/complete", "");
    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
    await().atMost(WAIT).until(() -> positions(device).size() == fed.size() + 1
        && "finished".equals(delivery(simulated).getString("status")));
  }

  private static DeviceFix fix(String deviceId, Instant at, double northMetres, double speed) {
    LatLon where = new LatLon(-15.85 + northMetres / METRES_PER_DEGREE, -47.95);
    return new DeviceFix(deviceId, at, at.plusMillis(300), where, speed, 0.0, null, 5.0, 80.0, "osmand", null);
  }

  @Test
  void everyFormatParsesAndHoldsEveryStoredPointInOrder() throws Exception {
    for (String id : List.of(device, simulated)) {
      List<Point> stored = positions(id).stream().map(p -> {
        JsonObject json = (JsonObject) p;
        JsonObject at = json.getJsonObject("position");
        return new Point(at.getDouble("lat"), at.getDouble("lon"), json.getString("fixTime") != null ? json.getString("fixTime") : json.getString("timestamp"));
      }).toList();
      assertThat(stored).hasSizeGreaterThan(50);

      assertThat(gpx(id)).as("GPX of %s", id).isEqualTo(stored);
      assertThat(kml(id)).as("KML of %s", id).isEqualTo(stored);
      assertThat(geoJson(id)).as("GeoJSON of %s", id).isEqualTo(stored);
      assertThat(csv(id)).as("CSV of %s", id).isEqualTo(stored);
    }
  }

  private HttpResponse<byte[]> export(String id, String extension, String contentType) throws Exception {
    HttpResponse<byte[]> response = http.send(stack.request("/api/deliveries/" + id + "/track." + extension).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(contentType);
    assertThat(response.headers().firstValue("content-disposition")).hasValue("attachment; filename=\"delivery-" + id + "." + extension + "\"");
    return response;
  }

  private Document xml(byte[] body) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
  }

  private List<Point> gpx(String id) throws Exception {
    Document gpx = xml(export(id, "gpx", "application/gpx+xml").body());
    String ns = "http://www.topografix.com/GPX/1/1";
    if (id.equals(device)) {
      assertThat(gpx.getElementsByTagNameNS(ns, "name").item(0).getTextContent()).isEqualTo(REFERENCE);
    }
    NodeList trkpts = gpx.getElementsByTagNameNS(ns, "trkpt");
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < trkpts.getLength(); i++) {
      Element trkpt = (Element) trkpts.item(i);
      points.add(new Point(Double.parseDouble(trkpt.getAttribute("lat")), Double.parseDouble(trkpt.getAttribute("lon")),
          trkpt.getElementsByTagNameNS(ns, "time").item(0).getTextContent()));
    }
    return points;
  }

  /** The timed track; its plain line must draw the same coordinates. */
  private List<Point> kml(String id) throws Exception {
    Document kml = xml(export(id, "kml", "application/vnd.google-earth.kml+xml").body());
    NodeList whens = kml.getElementsByTagNameNS("http://www.opengis.net/kml/2.2", "when");
    NodeList coords = kml.getElementsByTagNameNS("http://www.google.com/kml/ext/2.2", "coord");
    String[] line = kml.getElementsByTagNameNS("http://www.opengis.net/kml/2.2", "coordinates").item(0).getTextContent().split(" ");
    assertThat(coords.getLength()).isEqualTo(whens.getLength());
    assertThat(line).hasSize(whens.getLength());
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < whens.getLength(); i++) {
      String[] lonLat = coords.item(i).getTextContent().split(" ");
      assertThat(line[i]).isEqualTo(lonLat[0] + "," + lonLat[1]);
      points.add(new Point(Double.parseDouble(lonLat[1]), Double.parseDouble(lonLat[0]), whens.item(i).getTextContent()));
    }
    return points;
  }

  private List<Point> geoJson(String id) throws Exception {
    JsonObject collection = new JsonObject(new String(export(id, "geojson", "application/geo+json").body(), StandardCharsets.UTF_8));
    JsonObject feature = collection.getJsonArray("features").getJsonObject(0);
    assertThat(feature.getJsonObject("geometry").getString("type")).isEqualTo("LineString");
    JsonArray coordinates = feature.getJsonObject("geometry").getJsonArray("coordinates");
    JsonArray times = feature.getJsonObject("properties").getJsonObject("coordinateProperties").getJsonArray("times");
    assertThat(times).hasSize(coordinates.size());
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < coordinates.size(); i++) {
      points.add(new Point(coordinates.getJsonArray(i).getDouble(1), coordinates.getJsonArray(i).getDouble(0), times.getString(i)));
    }
    return points;
  }

  private List<Point> csv(String id) throws Exception {
    String[] lines = new String(export(id, "csv", "text/csv; charset=utf-8").body(), StandardCharsets.UTF_8).split("\r\n");
    assertThat(lines[0]).isEqualTo("seq,time,lat,lon,speed,heading,accuracy,battery");
    List<Point> points = new ArrayList<>();
    for (String line : Arrays.asList(lines).subList(1, lines.length)) {
      String[] fields = line.split(",", -1);
      assertThat(fields).hasSize(8);
      points.add(new Point(Double.parseDouble(fields[2]), Double.parseDouble(fields[3]), fields[1]));
    }
    return points;
  }

  @Test
  void theSummaryHasTheDistanceDurationSpeedsAndTheStopOfTheTrackFedAndKeptItsPromise() throws Exception {
    double fedMetres = 0;
    for (int i = 1; i < fed.size(); i++) {
      fedMetres += fed.get(i - 1).position().metresTo(fed.get(i).position());
    }
    JsonObject summary = getJson("/api/deliveries/" + device + "/summary");

    assertThat(summary.getString("deliveryId")).isEqualTo(device);
    assertThat(summary.getDouble("distanceMetres")).isCloseTo(fedMetres, within(fedMetres * 0.03));
    long fedSeconds = Duration.between(fed.get(0).fixTime(), fed.get(fed.size() - 1).fixTime()).toSeconds();
    // The last stored point is the operator's "complete", a little after the last fix.
    assertThat(summary.getLong("durationSeconds")).isBetween(fedSeconds, fedSeconds + 600);
    assertThat(summary.getDouble("topSpeedKmh")).isEqualTo(36.0);
    assertThat(summary.getDouble("averageSpeedKmh")).isPositive();
    // The completion is a stored point where the last fix was: on a slow machine it may come 2 min later, a stop too.
    JsonArray stored = positions(device);
    Instant completedAt = Instant.parse(stored.getJsonObject(stored.size() - 1).getString("timestamp"));
    boolean waitedAtTheEnd = !completedAt.isBefore(fed.get(fed.size() - 1).fixTime().plusSeconds(120));
    assertThat(summary.getInteger("stopCount")).isEqualTo(waitedAtTheEnd ? 2 : 1);
    JsonObject stop = summary.getJsonArray("stops").getJsonObject(0);
    assertThat(stop.getLong("durationSeconds")).isBetween(170L, 190L);
    assertThat(stop.getJsonObject("position").getDouble("lat")).isCloseTo(-15.85 + 3_000 / METRES_PER_DEGREE, within(0.0001));
    assertThat(summary.getString("status")).isEqualTo("delivered");
    assertThat(summary.getString("promisedBy")).isNotNull();
    assertThat(summary.getString("deliveredAt")).isNotNull();
    assertThat(summary.getBoolean("onTime")).isTrue();

    JsonObject simulatedSummary = getJson("/api/deliveries/" + simulated + "/summary");
    assertThat(simulatedSummary.getString("status")).isEqualTo("finished");
    assertThat(simulatedSummary.getValue("onTime")).as("nothing was promised").isNull();
    assertThat(simulatedSummary.getDouble("distanceMetres")).isGreaterThan(1_000.0);
  }

  @Test
  void anUnknownDeliveryIs404AndAMalformedIdIs400OnEveryExport() throws Exception {
    for (String path : List.of("track.gpx", "track.kml", "track.csv", "track.geojson", "summary")) {
      assertJsonError(get("/api/deliveries/" + UNKNOWN_ID + "/" + path), 404, "no delivery " + UNKNOWN_ID);
      assertJsonError(get("/api/deliveries/not-an-id/" + path), 400, "not a valid delivery id");
    }
    assertJsonError(get("/api/deliveries/" + device + "/track.xml"), 404, "no API endpoint");
  }

  @Test
  void theListFindsDeliveriesByStartTimeAndStatus() throws Exception {
    Instant started = Instant.parse(delivery(device).getString("startedAt"));

    assertThat(listed("from=" + started + "&to=" + started.plusMillis(1))).contains(device);
    assertThat(listed("from=" + started.minusSeconds(3600) + "&status=delivered")).contains(device).doesNotContain(simulated);
    assertThat(listed("from=" + started.minusSeconds(3600) + "&status=finished")).contains(simulated).doesNotContain(device);
    assertThat(listed("from=" + started.minusSeconds(3600) + "&status=finished,delivered,cancelled"))
        .as("every delivery that ended, however it did (the console's Recent)").contains(simulated, device);
    assertThat(listed("from=" + started.minusSeconds(3600) + "&status=in-transit,cancelled")).doesNotContain(simulated, device);
    assertThat(listed("to=" + started)).doesNotContain(device);
    assertThat(listed("from=" + started.plusMillis(1))).doesNotContain(device);
  }

  /** Every delivery id the list gives for the query, all pages of it. */
  private Set<String> listed(String query) throws Exception {
    Set<String> ids = new HashSet<>();
    String cursor = null;
    for (int pages = 0; pages < 200; pages++) {
      JsonObject page = getJson("/api/deliveries?limit=100&" + query + (cursor == null ? "" : "&after=" + cursor));
      page.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("deliveryId")));
      cursor = page.getString("next");
      if (cursor == null) {
        return ids;
      }
    }
    throw new AssertionError("the list did not end");
  }

  @Test
  void theDailyReportHasALinePerDeliveryStartedThatDay() throws Exception {
    LocalDate day = LocalDate.ofInstant(Instant.parse(delivery(device).getString("startedAt")), ZoneOffset.UTC);
    HttpResponse<String> report = get("/api/reports/deliveries.csv?date=" + day);

    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(report.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
    assertThat(report.headers().firstValue("content-disposition")).hasValue("attachment; filename=\"deliveries-" + day + ".csv\"");
    List<String> lines = report.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo("deliveryId,reference,customer,device,route,status,startedAt,endedAt,distanceMetres,onTime");
    String deviceLine = lines.stream().filter(l -> l.startsWith(device)).findFirst().orElseThrow();
    // The reference quoted (it holds a comma and quotes); the customer's name kept from being read as a formula.
    assertThat(deviceLine).startsWith(device + ",\"Order 7, \"\"rush\"\" <b>&\",'=cmd|' /C calc'!A0,export-")
        .contains(",delivered,").endsWith(",true");
    assertThat(lines.stream().filter(l -> l.startsWith(simulated))).singleElement().asString().contains(",2,finished,");
    assertJsonError(get("/api/reports/deliveries.csv?date=" + day.plusDays(1) + "T00:00:00Z"), 400, "'date'");
    assertThat(get("/api/reports/deliveries.csv?date=1999-01-01").body().lines()).hasSize(1);
  }

  private JsonArray positions(String id) throws Exception {
    return new JsonArray(get("/api/deliveries/" + id + "/positions").body());
  }

  private JsonObject delivery(String id) throws Exception {
    return getJson("/api/deliveries/" + id);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(stack.request(path).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject getJson(String path) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(stack.request(path).timeout(TIMEOUT).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertJsonError(HttpResponse<String> response, int status, String messagePart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("message")).contains(messagePart);
  }
}
