package io.codedelivery.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.DeliveryEvent.Type;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.model.Topics;
import io.codedelivery.support.KafkaRecords;
import io.codedelivery.support.TestStack;
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
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery events through the whole system: a phone's fixes on device.positions (as the ingestion role writes them),
 * attached by the tracking stage, turned into events on delivery.events and into the delivery's timeline. Silences
 * are short here ({@code stalled.after.seconds} = 5) so a stop is seen in seconds.
 */
class DeliveryEventsIT {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** The speed every fix reports, and the one its fix times are spaced for: the ETA is steady while it drives on. */
  private static final double METRES_PER_SECOND = 8;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestStack stack;
  private static Route route;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of(Setting.STALLED_AFTER_SECONDS, "5"));
    // Seeded from conf/routes/1.txt: about 6.9 km, 140 points.
    route = stack.app().routes().require("1");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aDeviceThatLeavesItsRouteComesBackStopsAndArrivesLateRaisesEveryEventOnceInOrder() throws Exception {
    String deviceId = registeredDevice();
    // Driving for a while already: point 50 reached five minutes ago, as a phone that was offline sends its fixes.
    List<Instant> fixTimes = fixTimesReaching(50, Instant.now().minus(5, ChronoUnit.MINUTES));
    Instant plannedArrival = fixTimes.get(fixTimes.size() - 1);
    // Promised two minutes after the arrival the ETA shows while the vehicle keeps going; the stop passes it.
    Instant promisedBy = plannedArrival.plus(2, ChronoUnit.MINUTES);
    String id = assign(deviceId, promisedBy);

    // Points 20 to 27 driven well beside the route, then back on it up to point 50.
    List<LatLon> driven = new ArrayList<>(route.points());
    LatLon aside = besideTheRoute(20, 28);
    for (int i = 20; i < 28; i++) {
      LatLon p = route.points().get(i);
      driven.set(i, new LatLon(p.lat() + aside.lat(), p.lon() + aside.lon()));
    }
    send(deviceId, driven, fixTimes, 0, 51, Duration.ZERO);
    // Silent: the stop is noticed from the store's state, seconds after stalled.after.seconds.
    await().atMost(WAIT).until(() -> types(timeline(id)).contains(Type.STALLED));
    // The vehicle goes on now, five minutes later than it would have, to the destination, and stands there past the
    // dwell (the whole rest of the drive is sent at once, so its fix times run ahead of the clock).
    Duration stop = Duration.between(fixTimes.get(51), Instant.now()).truncatedTo(ChronoUnit.MILLIS);
    send(deviceId, driven, fixTimes, 51, driven.size(), stop);
    sendAtDoor(deviceId, fixTimes.get(fixTimes.size() - 1).plus(stop));

    await().atMost(WAIT).until(() -> types(timeline(id)).contains(Type.DELIVERED));
    List<Type> expected = List.of(Type.STARTED, Type.OFF_ROUTE, Type.BACK_ON_ROUTE, Type.STALLED, Type.RESUMED, Type.LATE,
        Type.ARRIVING, Type.DELIVERED);
    List<DeliveryEvent> onTopic = onTopicUntilDelivered(id);
    assertThat(types(onTopic)).as("on delivery.events, in order").containsExactlyElementsOf(expected);
    assertThat(onTopic.stream().map(DeliveryEvent::eventId)).doesNotHaveDuplicates();
    List<DeliveryEvent> timeline = timeline(id);
    assertThat(timeline).as("the timeline is what the topic carried").containsExactlyElementsOf(onTopic);

    DeliveryEvent offRoute = timeline.get(1);
    assertThat(offRoute.details().getLong("metresOffRoute")).isGreaterThan(100);
    assertThat(offRoute.at()).as("the fix that completed the deviation").isEqualTo(fixTimes.get(22));
    assertThat(offRoute.position()).isEqualTo(driven.get(22));
    DeliveryEvent late = timeline.get(5);
    assertThat(late.details().getString("promisedBy")).isEqualTo(promisedBy.toString());
    assertThat(Instant.parse(late.details().getString("eta"))).isAfter(promisedBy);
    assertThat(late.at()).as("raised with the resumed fix").isEqualTo(timeline.get(4).at());

    // The customer's link shows the same timeline, without the device.
    JsonObject delivery = getJson("/api/deliveries/" + id);
    String trackingUrl = delivery.getString("trackingUrl");
    HttpResponse<String> customer = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api" + trackingUrl + "/events"))
        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(customer.statusCode()).as(customer.body()).isEqualTo(200);
    assertThat(customer.body()).doesNotContain(deviceId);
    assertThat(eventsOf(new JsonObject(customer.body()))).containsExactlyElementsOf(timeline);
  }

  @Test
  void aSimulatedDeliveryStartsArrivesAndIsDeliveredAndAnUnknownOneIs404() throws Exception {
    HttpResponse<String> started = HTTP.send(stack.request("/api/deliveries").timeout(TIMEOUT)
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"routeId\":\"1\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = new JsonObject(started.body()).getString("deliveryId");

    await().atMost(WAIT).until(() -> types(timeline(id)).contains(Type.DELIVERED));
    List<DeliveryEvent> timeline = timeline(id);
    assertThat(types(timeline)).containsExactly(Type.STARTED, Type.ARRIVING, Type.DELIVERED);
    assertThat(timeline.get(0).eventId()).isEqualTo(DeliveryEvent.idOf(id, Type.STARTED, 0));
    assertThat(timeline.get(0).position()).isEqualTo(route.start());
    assertThat(timeline.get(1).position().metresTo(route.end())).isLessThanOrEqualTo(stack.app().config().arrivalNoticeMetres());
    assertThat(timeline.get(2).position()).isEqualTo(route.end());
    assertThat(onTopicUntilDelivered(id)).containsExactlyElementsOf(timeline);

    HttpResponse<String> unknown = get("/api/deliveries/00000000-0000-4000-8000-000000000000/events");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("message")).contains("no delivery");
    HttpResponse<String> malformed = get("/api/deliveries/not-an-id/events");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(malformed.body()).getString("message")).contains("not a valid delivery id");
  }

  @Test
  void aRestartMidDeliveryRaisesNothingTwiceAndTheDeliveryStillEndsDelivered() throws Exception {
    String deviceId = registeredDevice();
    List<Instant> fixTimes = fixTimesReaching(40, Instant.now().minus(10, ChronoUnit.SECONDS));
    String id = assign(deviceId, null);
    send(deviceId, route.points(), fixTimes, 0, 40, Duration.ZERO);
    await().atMost(WAIT).until(() -> types(timeline(id)).contains(Type.STARTED));

    // The last fix before the restart may or may not be through the events stage when it stops.
    send(deviceId, route.points(), fixTimes, 40, 41, Duration.ZERO);
    stack.restart();
    // Silent through the restart and after it: the state saved before it says the delivery is en route.
    await().atMost(WAIT).until(() -> types(timeline(id)).contains(Type.STALLED));
    Duration stop = Duration.between(fixTimes.get(41), Instant.now()).truncatedTo(ChronoUnit.MILLIS);
    send(deviceId, route.points(), fixTimes, 41, route.points().size(), stop);
    sendAtDoor(deviceId, fixTimes.get(fixTimes.size() - 1).plus(stop));

    await().atMost(WAIT).until(() -> types(timeline(id)).contains(Type.DELIVERED));
    List<DeliveryEvent> timeline = timeline(id);
    assertThat(types(timeline)).containsExactly(Type.STARTED, Type.STALLED, Type.RESUMED, Type.ARRIVING, Type.DELIVERED);
    List<DeliveryEvent> onTopic = onTopicUntilDelivered(id);
    // At least once: an event may be on the topic twice if the stop fell between its send and the commit, but always
    // under its one id, never again under another.
    assertThat(onTopic.stream().map(DeliveryEvent::eventId).distinct().toList())
        .containsExactlyElementsOf(timeline.stream().map(DeliveryEvent::eventId).toList());
  }

  /**
   * Fix times spaced as a vehicle at {@link #METRES_PER_SECOND} drives the route's points (at least a second apart),
   * the given point reached at the given time. A stall's time is the clock's when it is noticed, and the timeline is in
   * time order: so the fixes before a silence are in the past and those after it from now on.
   */
  private static List<Instant> fixTimesReaching(int point, Instant reachedAt) {
    double[] cumulative = route.cumulativeMetres();
    List<Long> offsetsMs = new ArrayList<>();
    for (double metres : cumulative) {
      long atSpeed = Math.round(metres * 1000 / METRES_PER_SECOND);
      offsetsMs.add(offsetsMs.isEmpty() ? atSpeed : Math.max(atSpeed, offsetsMs.get(offsetsMs.size() - 1) + 1_000));
    }
    // Fix times travel in milliseconds.
    Instant start = reachedAt.truncatedTo(ChronoUnit.MILLIS).minusMillis(offsetsMs.get(point));
    return offsetsMs.stream().map(start::plusMillis).toList();
  }

  /** An offset that puts each of these points farther than twice off.route.metres from the route's line. */
  private static LatLon besideTheRoute(int from, int to) {
    double needed = 2.0 * stack.app().config().offRouteMetres();
    for (LatLon offset : List.of(new LatLon(0.004, 0), new LatLon(-0.004, 0), new LatLon(0, 0.004), new LatLon(0, -0.004))) {
      boolean allAway = route.points().subList(from, to).stream()
          .allMatch(p -> route.metresFrom(new LatLon(p.lat() + offset.lat(), p.lon() + offset.lon())) > needed);
      if (allAway) {
        return offset;
      }
    }
    throw new AssertionError("no offset takes points " + from + " to " + to + " off the route");
  }

  /** Fixes of the points {@code from} (inclusive) to {@code to}, as received now, their fix times shifted by {@code later}. */
  private static void send(String deviceId, List<LatLon> points, List<Instant> fixTimes, int from, int to, Duration later) {
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      for (int i = from; i < to; i++) {
        DeviceFix fix = new DeviceFix(deviceId, fixTimes.get(i).plus(later), Instant.now(), points.get(i), METRES_PER_SECOND,
            90.0, null, 4.0, 77.0, "osmand", null);
        KafkaRecords.send(producer, Topics.DEVICE_POSITIONS, deviceId, fix.toJson().encode());
      }
    }
  }

  /** Standing at the destination, a fix every 10 s for longer than the arrival dwell. */
  private static void sendAtDoor(String deviceId, Instant lastFix) {
    long fixes = stack.app().config().arrivalDwell().toSeconds() / 10 + 2;
    List<LatLon> door = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    for (int i = 1; i <= fixes; i++) {
      door.add(route.end());
      times.add(lastFix.plusSeconds(10L * i));
    }
    send(deviceId, door, times, 0, door.size(), Duration.ZERO);
  }

  /** The delivery's events on delivery.events, read from the start until its delivered one. */
  private static List<DeliveryEvent> onTopicUntilDelivered(String deliveryId) {
    List<DeliveryEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = stack.kafkaConsumer("events-reader-" + UUID.randomUUID())) {
      consumer.subscribe(List.of(Topics.DELIVERY_EVENTS));
      await().atMost(WAIT).until(() -> {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key().equals(deliveryId)) {
            events.add(DeliveryEvent.fromJson(record.value()));
          }
        }
        return types(events).contains(Type.DELIVERED);
      });
    }
    return events;
  }

  private static List<DeliveryEvent> timeline(String deliveryId) throws Exception {
    HttpResponse<String> response = get("/api/deliveries/" + deliveryId + "/events");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("deliveryId")).isEqualTo(deliveryId);
    return eventsOf(body);
  }

  private static List<DeliveryEvent> eventsOf(JsonObject timeline) {
    JsonArray events = timeline.getJsonArray("events");
    return events.stream().map(event -> DeliveryEvent.fromJson((JsonObject) event)).toList();
  }

  private static List<Type> types(List<DeliveryEvent> events) {
    return events.stream().map(DeliveryEvent::type).toList();
  }

  private static String registeredDevice() throws Exception {
    String deviceId = "phone-" + UUID.randomUUID();
    HttpResponse<String> created = post("/api/devices", new JsonObject().put("uniqueId", deviceId).put("name", "Van").encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return deviceId;
  }

  /** A delivery of the device along route 1 to its end, promised by the given time (or not at all). */
  private static String assign(String deviceId, Instant promisedBy) throws Exception {
    JsonObject body = new JsonObject().put("deviceId", deviceId).put("destination", route.end().toJson()).put("routeId", route.id());
    if (promisedBy != null) {
      body.put("promisedBy", promisedBy.toString());
    }
    HttpResponse<String> assigned = post("/api/deliveries", body.encode());
    assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(202);
    return new JsonObject(assigned.body()).getString("deliveryId");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(stack.request(path).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject getJson(String path) throws Exception {
    return new JsonObject(get(path).body());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(stack.request(path).timeout(TIMEOUT).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
