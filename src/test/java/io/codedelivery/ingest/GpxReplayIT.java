package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A phone's recorded GPX track (an OsmAnd export with Garmin extensions, {@code tracks/asa-sul-first-drop.gpx}) played
 * back through the OsmAnd endpoint of the ingest port as the phone sent it: one request per fix on a keep-alive
 * connection, the fix times of the file, at ten times the recorded pace (a fix every 0.5 s for fixes 5 s apart),
 * alternating {@code GET /?…} and form {@code POST /} as the OsmAnd app and Traccar Client do. Like a phone on a poor
 * network it resends some fixes (every fifth, right after its answer) and sends one pair in the wrong order. The
 * track is also the delivery's planned route, uploaded as the operator would ({@code POST /api/routes}, read by the
 * project's own GPX parser), and the delivery's destination is where the track ends, where the phone stands longer
 * than the dwell.
 */
class GpxReplayIT {
  private static final String TRACK = "/tracks/asa-sul-first-drop.gpx";
  private static final String GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1";
  private static final String OSMAND_NAMESPACE = "https://osmand.net/docs/technical/osmand-file-formats/osmand-gpx";
  /** What a track point records beside where it is: GPX's own elements, and OsmAnd's extensions (speed in m/s). */
  private static final Set<QName> READINGS = Set.of(new QName(GPX_NAMESPACE, "time"), new QName(GPX_NAMESPACE, "ele"),
      new QName(GPX_NAMESPACE, "hdop"), new QName(OSMAND_NAMESPACE, "speed"), new QName(OSMAND_NAMESPACE, "heading"));
  /** Ten times the recorded pace: the file has a fix every 5 s. */
  private static final Duration SEND_EVERY = Duration.ofMillis(500);
  private static final int RESEND_EVERY = 5;
  /** The fixes at these indexes of the file are sent the other way round: the later one first. */
  private static final int SWAPPED = 12;
  private static final double KNOTS_PER_METRE_PER_SECOND = 3600 / 1852.0;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A front door: the recording's stops at the door lie on one spot, the last moving fix 50 m before it. */
  private static final double ARRIVAL_RADIUS_METRES = 20;
  private static final Duration ARRIVAL_DWELL = Duration.ofSeconds(10);

  private static TestStack stack;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startStack() {
    stack = TestStack.start(Map.of(Setting.ARRIVAL_DWELL_SECONDS, String.valueOf(ARRIVAL_DWELL.toSeconds()),
        Setting.ARRIVAL_RADIUS_METRES, String.valueOf((int) ARRIVAL_RADIUS_METRES)));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aGpxTrackReplayedThroughTheOsmAndEndpointArrivesLiveOnceEachIsStoredOnceInFixTimeOrderAndEndsDelivered() throws Exception {
    byte[] gpx = resource(TRACK);
    HttpResponse<String> uploaded = send(stack.request("/api/routes?id=replay-" + UUID.randomUUID())
        .header("content-type", "application/gpx+xml").POST(HttpRequest.BodyPublishers.ofByteArray(gpx)));
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
    String routeId = new JsonObject(uploaded.body()).getString("id");
    Route route = stack.app().routes().require(routeId);
    List<RecordedFix> recorded = recordedFixes(gpx, route.points());
    LatLon destination = route.end();

    String deviceId = "osmand-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(postJson("/api/devices", new JsonObject().put("uniqueId", deviceId).put("name", "Van 7")).statusCode()).isEqualTo(201);
    HttpResponse<String> assigned = postJson("/api/deliveries", new JsonObject().put("deviceId", deviceId)
        .put("destination", destination.toJson()).put("routeId", routeId).put("reference", "order-405"));
    assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(202);
    String deliveryId = new JsonObject(assigned.body()).getString("deliveryId");

    List<RecordedFix> sendOrder = new ArrayList<>(recorded);
    sendOrder.set(SWAPPED, recorded.get(SWAPPED + 1));
    sendOrder.set(SWAPPED + 1, recorded.get(SWAPPED));
    int arrival = arrivalIndex(recorded, destination);
    assertThat(arrival).as("the phone stands at the door past the dwell, then a little longer")
        .isGreaterThan(route.points().indexOf(destination)).isLessThan(recorded.size() - 1);
    Instant arrivedAt = recorded.get(arrival).time();
    // What the watcher must see: every fix once, as sent, up to the one that completed the arrival.
    List<Long> expectedLive = sendOrder.stream().map(RecordedFix::seq).filter(seq -> seq <= arrivedAt.toEpochMilli()).toList();
    List<Long> expectedStored = expectedLive.stream().sorted().toList();

    Vertx vertx = Vertx.vertx();
    try (SockJsClient watcher = SockJsClient.connect(vertx, stack.httpPort()).authorizedAs(stack.adminToken())) {
      watcher.register(Addresses.delivery(deliveryId));
      // The bridge handles a connection's frames in order: once this request is answered, the registration is in place.
      String reply = watcher.send(Addresses.START_DELIVERY, new JsonObject());
      await().atMost(WAIT).until(() -> !watcher.messagesTo(reply).isEmpty());

      List<HttpResponse<String>> answers = replay(deviceId, sendOrder);
      assertThat(answers).as("every fix, resends included, accepted (200 only once Kafka has it)")
          .hasSize(sendOrder.size() + sendOrder.size() / RESEND_EVERY)
          .allSatisfy(answer -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200))
          .allSatisfy(answer -> assertThat(answer.headers().firstValue("connection").orElse("keep-alive")).as("kept alive")
              .isNotEqualToIgnoringCase("close"));

      await().atMost(WAIT).until(() -> livePositions(watcher, deliveryId).stream().anyMatch(p -> p.getBoolean("finished")));
      List<JsonObject> live = livePositions(watcher, deliveryId);
      assertThat(live.stream().map(p -> p.getLong("seq")).toList())
          .as("each fix time once, in the order sent (fix-time order but the swapped pair), up to the arrival")
          .containsExactlyElementsOf(expectedLive);
      JsonObject last = live.get(live.size() - 1);
      assertThat(last.getBoolean("finished")).isTrue();
      assertThat(last.getLong("seq")).isEqualTo(arrivedAt.toEpochMilli());
      JsonObject midway = live.get(SWAPPED + 5);
      assertThat(midway.getString("deviceId")).isEqualTo(deviceId);
      assertThat(midway.getDouble("speed")).as("the recording's m/s, sent in knots").isCloseTo(recorded.get(SWAPPED + 5).speed(),
          within(0.05));
      assertThat(midway.getDouble("progress")).isBetween(0.2, 0.8);
    } finally {
      vertx.close().await();
    }

    await().atMost(WAIT).until(() -> "delivered".equals(getJson("/api/deliveries/" + deliveryId).getString("status")));
    JsonObject delivered = getJson("/api/deliveries/" + deliveryId);
    assertThat(delivered.getLong("lastSeq")).as("the late fix did not move the delivery back").isEqualTo(arrivedAt.toEpochMilli());
    assertThat(delivered.getDouble("progress")).isEqualTo(1.0);
    StoreProbe probe = new StoreProbe(stack.app());
    await().atMost(WAIT).until(() -> probe.storedSeqs(deliveryId).size() >= expectedStored.size());
    assertThat(probe.storedSeqs(deliveryId)).as("each fix stored exactly once").containsExactlyElementsOf(expectedStored);
    JsonArray track = new JsonArray(send(stack.request("/api/deliveries/" + deliveryId + "/positions").GET()).body());
    assertThat(track.stream().map(p -> ((JsonObject) p).getLong("seq")).toList()).as("the stored track in fix-time order")
        .containsExactlyElementsOf(expectedStored);
    assertThat(track.stream().map(p -> LatLon.fromJson(((JsonObject) p).getJsonObject("position"))).toList())
        .as("where the phone was at each fix time").containsExactlyElementsOf(recorded.subList(0, arrival + 1).stream()
            .map(RecordedFix::where).toList());
  }

  /**
   * Sends the fixes as the phone did, one every {@link #SEND_EVERY} from a scheduled sender (a phone's clock, not the
   * answers, sets the pace), each every {@link #RESEND_EVERY}th again right after its answer; the answers in order.
   */
  private List<HttpResponse<String>> replay(String deviceId, List<RecordedFix> sendOrder) throws Exception {
    List<HttpResponse<String>> answers = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger();
    ScheduledExecutorService phone = Executors.newSingleThreadScheduledExecutor();
    try {
      phone.scheduleAtFixedRate(() -> {
        int index = next.getAndIncrement();
        try {
          if (index < sendOrder.size()) {
            HttpRequest request = osmAnd(deviceId, sendOrder.get(index), index % 2 == 0);
            answers.add(http.send(request, HttpResponse.BodyHandlers.ofString()));
            if (index % RESEND_EVERY == RESEND_EVERY - 1) {
              answers.add(http.send(request, HttpResponse.BodyHandlers.ofString()));
            }
          } else {
            done.complete(null);
          }
        } catch (Exception e) {
          done.completeExceptionally(e);
        }
      }, 0, SEND_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      done.get(SEND_EVERY.toMillis() * sendOrder.size() + WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      phone.shutdownNow();
    }
    return answers;
  }

  /** One fix in the OsmAnd protocol, as its query ({@code GET /?…}) or as a form body ({@code POST /}). */
  private HttpRequest osmAnd(String deviceId, RecordedFix fix, boolean asQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("id", deviceId);
    params.put("timestamp", String.valueOf(fix.time().getEpochSecond()));
    params.put("lat", String.valueOf(fix.where().lat()));
    params.put("lon", String.valueOf(fix.where().lon()));
    params.put("speed", String.format(Locale.ROOT, "%.3f", fix.speed() * KNOTS_PER_METRE_PER_SECOND));
    if (fix.heading() != null) {
      params.put("bearing", String.valueOf(fix.heading()));
    }
    params.put("altitude", String.valueOf(fix.altitude()));
    params.put("hdop", String.valueOf(fix.hdop()));
    params.put("batt", "81");
    String form = params.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    String ingest = "http://localhost:" + stack.app().config().ingestPort() + "/";
    HttpRequest.Builder request = asQuery ? HttpRequest.newBuilder(URI.create(ingest + "?" + form)).GET()
        : HttpRequest.newBuilder(URI.create(ingest)).header("content-type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    return request.timeout(TIMEOUT).build();
  }

  /**
   * The fix at which the delivery has arrived: the first whose time is at least the dwell after the first fix of the
   * stay within the radius of the destination that it belongs to (fix-time order, as the server measures it).
   */
  private static int arrivalIndex(List<RecordedFix> inFixTimeOrder, LatLon destination) {
    int stayStart = -1;
    for (int i = 0; i < inFixTimeOrder.size(); i++) {
      boolean near = inFixTimeOrder.get(i).where().metresTo(destination) <= ARRIVAL_RADIUS_METRES;
      stayStart = near ? (stayStart < 0 ? i : stayStart) : -1;
      if (near && !inFixTimeOrder.get(i).time().isBefore(inFixTimeOrder.get(stayStart).time().plus(ARRIVAL_DWELL))) {
        return i;
      }
    }
    throw new AssertionError("the recording never stays at its end for the dwell");
  }

  private static List<JsonObject> livePositions(SockJsClient watcher, String deliveryId) {
    return watcher.messagesTo(Addresses.delivery(deliveryId)).stream().map(m -> m.getJsonObject("body")).toList();
  }

  /** One track point of the recording: where (as the project's GPX parser read it) and what the phone measured then. */
  record RecordedFix(LatLon where, Instant time, double speed, Double heading, double altitude, double hdop) {
    long seq() {
      return time.toEpochMilli();
    }
  }

  /**
   * The recording's track points with the readings the route parser leaves out (time, OsmAnd's speed in m/s and
   * heading, elevation, hdop), in file order, joined to the points that parser read.
   */
  private static List<RecordedFix> recordedFixes(byte[] gpx, List<LatLon> parsedPoints) throws XMLStreamException {
    List<Map<String, String>> readings = new ArrayList<>();
    XMLStreamReader xml = XMLInputFactory.newDefaultFactory().createXMLStreamReader(new ByteArrayInputStream(gpx));
    Map<String, String> current = null;
    while (xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT && GPX_NAMESPACE.equals(xml.getNamespaceURI()) && xml.getLocalName().equals("trkpt")) {
        current = new LinkedHashMap<>();
        readings.add(current);
      } else if (event == XMLStreamConstants.START_ELEMENT && current != null && READINGS.contains(xml.getName())) {
        current.put(xml.getLocalName(), xml.getElementText().strip());
      } else if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("trkpt")) {
        current = null;
      }
    }
    assertThat(readings).as("one reading per point the project's parser read").hasSameSizeAs(parsedPoints);
    List<RecordedFix> fixes = new ArrayList<>();
    for (int i = 0; i < readings.size(); i++) {
      Map<String, String> reading = readings.get(i);
      String heading = reading.get("heading");
      fixes.add(new RecordedFix(parsedPoints.get(i), Instant.parse(reading.get("time")), Double.parseDouble(reading.get("speed")),
          heading == null ? null : Double.valueOf(heading), Double.parseDouble(reading.get("ele")), Double.parseDouble(reading.get("hdop"))));
    }
    assertThat(fixes).as("a recording in time order").isSortedAccordingTo(Comparator.comparing(RecordedFix::time));
    return fixes;
  }

  private static byte[] resource(String name) {
    try (InputStream in = GpxReplayIT.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String path, JsonObject body) throws Exception {
    return send(stack.request(path).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  private JsonObject getJson(String path) throws Exception {
    return new JsonObject(send(stack.request(path).GET()).body());
  }
}
