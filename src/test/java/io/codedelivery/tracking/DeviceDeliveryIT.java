package io.codedelivery.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Addresses;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.model.Topics;
import io.codedelivery.support.KafkaRecords;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A phone's delivery through the whole system: assigned over REST, its fixes on device.positions (as the ingestion
 * role writes them), attached by the tracking role, seen live by a SockJS client, stored once, ended by arrival or by
 * the operator.
 */
class DeviceDeliveryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  @Test
  void aTrackReplayedFromAPhoneArrivesLiveInOrderOnceIsStoredOnceAndEndsDeliveredOnArrival() throws Exception {
    // Seeded from conf/routes/1.txt.
    Route route = stack.app().routes().require("1");
    String deviceId = registeredDevice();
    HttpResponse<String> assigned = post("/api/deliveries", new JsonObject().put("deviceId", deviceId)
        .put("destination", route.end().toJson()).put("routeId", "1").put("reference", "order-42")
        .put("customer", new JsonObject().put("name", "Ana")).put("promisedBy", "2030-01-01T12:00:00Z").encode());
    assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(202);
    String id = new JsonObject(assigned.body()).getString("deliveryId");
    // The customer's link: their tracking page, whose API shows this delivery to whoever holds the link, signed in or not.
    String trackingUrl = new JsonObject(assigned.body()).getString("trackingUrl");
    assertThat(trackingUrl).startsWith("/track/");
    HttpResponse<String> tracked = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api" + trackingUrl)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(tracked.statusCode()).as(tracked.body()).isEqualTo(200);
    assertThat(new JsonObject(tracked.body()).getString("deliveryId")).isEqualTo(id);
    assertThat(getJson("/api/deliveries/" + id).getString("status")).isEqualTo("assigned");
    // What the driver page shows: the device's delivery, with where it goes.
    JsonObject onDevice = getJson("/api/devices/" + deviceId + "/delivery");
    assertThat(onDevice.getString("deliveryId")).isEqualTo(id);
    assertThat(onDevice.getJsonObject("destination")).isEqualTo(route.end().toJson());
    assertThat(onDevice.getString("reference")).isEqualTo("order-42");
    // One active delivery per device.
    HttpResponse<String> second = post("/api/deliveries", new JsonObject().put("deviceId", deviceId)
        .put("destination", route.start().toJson()).encode());
    assertError(second, 409, "already has an active delivery");

    // A GPX-like track of route 1, a fix every 10 s (an hour ago, as a phone that was offline sends it), then
    // standing at the destination for longer than the dwell. Every fix is sent twice, as a phone resends unanswered ones.
    List<DeviceFix> track = new ArrayList<>();
    Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < route.points().size(); i++) {
      track.add(fix(deviceId, start.plusSeconds(10L * i), route.points().get(i), 8.0));
    }
    Instant atDoor = start.plusSeconds(10L * route.points().size());
    for (int i = 0; i <= 7; i++) {
      track.add(fix(deviceId, atDoor.plusSeconds(10L * i), route.end(), 0.0));
    }
    int arrivalIndex = arrivalIndex(track, route.end());
    assertThat(arrivalIndex).isLessThan(track.size() - 1);
    List<Long> expectedSeqs = track.subList(0, arrivalIndex + 1).stream().map(f -> f.fixTime().toEpochMilli()).toList();

    try (SockJsClient watcher = SockJsClient.connect(vertx, stack.httpPort()).authorizedAs(stack.adminToken())) {
      watcher.register(Addresses.delivery(id));
      // The bridge handles a connection's frames in order: once this request is answered, the registration is in place.
      String reply = watcher.send(Addresses.START_DELIVERY, new JsonObject());
      await().atMost(WAIT).until(() -> !watcher.messagesTo(reply).isEmpty());

      try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
        for (DeviceFix fix : track) {
          KafkaRecords.send(producer, Topics.DEVICE_POSITIONS, deviceId, fix.toJson().encode());
          KafkaRecords.send(producer, Topics.DEVICE_POSITIONS, deviceId, fix.toJson().encode());
        }
      }

      await().atMost(WAIT).until(() -> watcher.messagesTo(Addresses.delivery(id)).stream()
          .anyMatch(m -> m.getJsonObject("body").getBoolean("finished")));
      List<JsonObject> live = watcher.messagesTo(Addresses.delivery(id)).stream().map(m -> m.getJsonObject("body")).toList();
      List<Long> liveSeqs = live.stream().map(p -> p.getLong("seq")).toList();
      assertThat(liveSeqs).as("each fix once, in order, up to the arrival").containsExactlyElementsOf(expectedSeqs);
      JsonObject arrival = live.get(live.size() - 1);
      assertThat(arrival.getBoolean("finished")).isTrue();
      assertThat(arrival.getLong("seq")).isEqualTo(expectedSeqs.get(expectedSeqs.size() - 1));
      JsonObject midway = live.get(route.points().size() / 2);
      assertThat(midway.getString("deviceId")).isEqualTo(deviceId);
      assertThat(midway.getDouble("progress")).isBetween(0.3, 0.7);
      assertThat(midway.getString("eta")).isNotNull();
    }

    StoreProbe probe = new StoreProbe(stack.app());
    await().atMost(WAIT).until(() -> "delivered".equals(getJson("/api/deliveries/" + id).getString("status")));
    JsonObject delivered = getJson("/api/deliveries/" + id);
    assertThat(delivered.getString("deviceId")).isEqualTo(deviceId);
    assertThat(delivered.getString("reference")).isEqualTo("order-42");
    assertThat(delivered.getJsonObject("customer").getString("name")).isEqualTo("Ana");
    assertThat(delivered.getString("promisedBy")).isEqualTo("2030-01-01T12:00:00Z");
    assertThat(delivered.getDouble("progress")).isEqualTo(1.0);
    assertThat(delivered.getString("finishedAt")).isNotNull();
    await().atMost(WAIT).until(() -> probe.storedSeqs(id).size() >= expectedSeqs.size());
    List<Long> stored = probe.storedSeqs(id);
    assertThat(stored).as("each fix stored exactly once").doesNotHaveDuplicates().hasSize(expectedSeqs.size());
    JsonArray storedTrack = new JsonArray(get("/api/deliveries/" + id + "/positions").body());
    assertThat(storedTrack).hasSize(stored.size());
    long fromSeq = stored.get(stored.size() - 3);
    assertThat(new JsonArray(get("/api/deliveries/" + id + "/positions?fromSeq=" + fromSeq).body())).hasSize(3);
    // The device list shows the track's newest fix as the device's last, with its battery; received an hour ago (as
    // the test's fixes say), it is offline.
    String newestFixTime = track.get(track.size() - 1).fixTime().toString();
    await().atMost(WAIT).until(() -> newestFixTime.equals(
        getJson("/api/devices/" + deviceId).getJsonObject("lastFix", new JsonObject()).getString("fixTime")));
    JsonObject device = getJson("/api/devices/" + deviceId);
    assertThat(device.getDouble("battery")).isEqualTo(77.0);
    assertThat(device.getBoolean("online")).isFalse();
    // The device is free again.
    assertError(get("/api/devices/" + deviceId + "/delivery"), 404, "no active delivery");
    HttpResponse<String> next = post("/api/deliveries", new JsonObject().put("deviceId", deviceId)
        .put("destination", route.start().toJson()).encode());
    assertThat(next.statusCode()).as(next.body()).isEqualTo(202);
    post("/api/deliveries/" + new JsonObject(next.body()).getString("deliveryId") + "/cancel", "");
  }

  @Test
  void anOperatorCompletesOrCancelsADeviceDeliveryOnceAndTheEndReachesTheStore() throws Exception {
    String completed = assign(registeredDevice());
    String cancelled = assign(registeredDevice());

    HttpResponse<String> complete = post("/api/deliveries/" + completed + "/complete", "");
    assertThat(complete.statusCode()).as(complete.body()).isEqualTo(200);
    assertThat(new JsonObject(complete.body()).getString("status")).isEqualTo("delivered");
    HttpResponse<String> cancel = post("/api/deliveries/" + cancelled + "/cancel", "");
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);

    assertError(post("/api/deliveries/" + completed + "/complete", ""), 409, "already ended");
    assertError(post("/api/deliveries/" + completed + "/cancel", ""), 409, "already ended");
    assertError(post("/api/deliveries/" + cancelled + "/complete", ""), 409, "already ended");
    assertError(post("/api/deliveries/00000000-0000-4000-8000-000000000000/complete", ""), 404, "no delivery");
    assertError(post("/api/deliveries/not-an-id/cancel", ""), 400, "not a valid delivery id");

    // The end is a finishing position, stored as any other: the delivery has finished, with the outcome it was given.
    await().atMost(WAIT).until(() -> getJson("/api/deliveries/" + completed).getString("finishedAt") != null
        && getJson("/api/deliveries/" + cancelled).getString("finishedAt") != null);
    assertThat(getJson("/api/deliveries/" + completed).getString("status")).isEqualTo("delivered");
    assertThat(getJson("/api/deliveries/" + cancelled).getString("status")).isEqualTo("cancelled");
    JsonArray end = new JsonArray(get("/api/deliveries/" + cancelled + "/positions").body());
    assertThat(end).hasSize(1);
    assertThat(end.getJsonObject(0).getBoolean("finished")).isTrue();

    // A simulated delivery ends at its route's end, not by an operator.
    HttpResponse<String> simulated = post("/api/deliveries", "{\"routeId\":\"1\"}");
    assertThat(simulated.statusCode()).isEqualTo(202);
    String simulatedId = new JsonObject(simulated.body()).getString("deliveryId");
    await().atMost(WAIT).until(() -> get("/api/deliveries/" + simulatedId).statusCode() == 200);
    assertError(post("/api/deliveries/" + simulatedId + "/cancel", ""), 409, "simulated");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"deviceId\":\"p1\"}",
      "{\"deviceId\":\"p1\",\"destination\":{\"lat\":91,\"lon\":0}}",
      "{\"deviceId\":\"p1\",\"destination\":{\"lat\":\"1\",\"lon\":0}}",
      "{\"deviceId\":7,\"destination\":{\"lat\":1,\"lon\":0}}",
      "{\"deviceId\":\"\",\"destination\":{\"lat\":1,\"lon\":0}}",
      "{\"deviceId\":\"p1\",\"destination\":{\"lat\":1,\"lon\":0},\"customer\":{}}",
      "{\"deviceId\":\"p1\",\"destination\":{\"lat\":1,\"lon\":0},\"promisedBy\":\"tomorrow\"}",
      "{\"deviceId\":\"p1\",\"destination\":{\"lat\":1,\"lon\":0},\"color\":\"red\"}"})
  void aBadDeviceDeliveryIsAnswered400NamingTheField(String body) throws Exception {
    HttpResponse<String> response = post("/api/deliveries", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("message")).containsAnyOf("'deviceId'", "'destination'", "'lat'",
        "'name'", "'promisedBy'", "'color'");
  }

  @Test
  void aDeviceDeliveryOnAnUnknownPlannedRouteOrDeviceIs404AndAnEndWithoutJsonIs415() throws Exception {
    assertError(post("/api/deliveries", "{\"deviceId\":\"p1\",\"destination\":{\"lat\":1,\"lon\":0},\"routeId\":\"99\"}"), 404, "unknown route");
    assertError(post("/api/deliveries", "{\"deviceId\":\"never-registered\",\"destination\":{\"lat\":1,\"lon\":0}}"), 404,
        "register it first");
    assertError(get("/api/devices/never-registered/delivery"), 404, "no active delivery");
    assertError(get("/api/devices/not%20valid/delivery"), 400, "'uniqueId'");
    HttpResponse<String> form = http.send(stack.request("/api/deliveries/00000000-0000-4000-8000-000000000000/cancel").timeout(TIMEOUT)
        .header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(415);
  }

  /**
   * The fix that completes the arrival: the first at least the dwell after the fix from which the vehicle stayed
   * within the radius of the destination.
   */
  private int arrivalIndex(List<DeviceFix> track, LatLon destination) {
    double radius = stack.app().config().arrivalRadiusMetres();
    Duration dwell = stack.app().config().arrivalDwell();
    Instant within = null;
    for (int i = 0; i < track.size(); i++) {
      DeviceFix fix = track.get(i);
      within = fix.position().metresTo(destination) > radius ? null : within == null ? fix.fixTime() : within;
      if (within != null && !fix.fixTime().isBefore(within.plus(dwell))) {
        return i;
      }
    }
    throw new AssertionError("the track never arrives");
  }

  /** A device registered as an operator does, so deliveries can be assigned to it. */
  private String registeredDevice() throws Exception {
    String deviceId = "phone-" + UUID.randomUUID();
    HttpResponse<String> created = post("/api/devices", new JsonObject().put("uniqueId", deviceId).put("name", "Van").encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return deviceId;
  }

  private String assign(String deviceId) throws Exception {
    HttpResponse<String> response = post("/api/deliveries", new JsonObject().put("deviceId", deviceId)
        .put("destination", new LatLon(-15.8, -47.9).toJson()).encode());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new JsonObject(response.body()).getString("deliveryId");
  }

  private static DeviceFix fix(String deviceId, Instant at, LatLon where, double speed) {
    return new DeviceFix(deviceId, at, at.plusMillis(200), where, speed, 90.0, null, 4.0, 77.0, "osmand", null);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(stack.request(path).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject getJson(String path) throws Exception {
    return new JsonObject(get(path).body());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(stack.request(path).timeout(TIMEOUT)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> response, int status, String messagePart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("message")).contains(messagePart);
  }
}
