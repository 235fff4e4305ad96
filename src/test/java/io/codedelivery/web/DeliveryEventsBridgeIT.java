package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Addresses;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Topics;
import io.codedelivery.support.SockJsClient;
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
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events produced on {@code delivery.events} reach browsers through the bridge: an operator's console on
 * {@code deliveries.events} gets every event whole; a customer's page, with its tracking link, gets its own
 * delivery's events on {@code delivery-events.<id>} without their details, and is refused another delivery's events
 * and the fleet's. A record that is no event is passed over and the ones after it still arrive.
 */
class DeliveryEventsBridgeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestStack stack;
  private static KafkaProducer<String, String> producer;

  @BeforeAll
  static void setUp() {
    stack = TestStack.shared();
    producer = stack.kafkaProducer();
  }

  @AfterAll
  static void tearDown() {
    producer.close();
  }

  @Test
  void aLinkHolderGetsItsOwnDeliverysEventsWithoutDetailsAndAnOperatorGetsTheFleets() throws Exception {
    JsonObject ours = startDelivery();
    String id = ours.getString("deliveryId");
    String otherId = startDelivery().getString("deliveryId");
    String link = openedLink(ours);

    try (SockJsClient customer = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(link);
        SockJsClient operator = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(stack.adminToken())) {
      customer.register(Addresses.deliveryEvents(id));
      operator.register(Addresses.DELIVERY_EVENTS);
      // Registration has no acknowledgement, and the forwarder starts at the latest offset: produce until one arrives.
      // The shared stack's events stage raises events of its own (started…) beside it: each is looked for by its id.
      DeliveryEvent late = event(id, DeliveryEvent.Type.LATE, new JsonObject().put("etaAt", "2026-12-01T14:29:00Z"));
      await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
        produce(id, late.toJson().encode());
        return eventNamed(customer, Addresses.deliveryEvents(id), late.eventId()).isPresent()
            && eventNamed(operator, Addresses.DELIVERY_EVENTS, late.eventId()).isPresent();
      });
      JsonObject shown = eventNamed(customer, Addresses.deliveryEvents(id), late.eventId()).orElseThrow();
      assertThat(shown.fieldNames()).containsExactlyInAnyOrder("eventId", "deliveryId", "type", "at", "position");
      assertThat(shown.getString("type")).isEqualTo("late");
      assertThat(eventNamed(operator, Addresses.DELIVERY_EVENTS, late.eventId()).orElseThrow()).as("the operator sees the event whole")
          .isEqualTo(late.toJson());

      // Not usable, then another delivery's event, then ours: the bad record is passed over, the other one kept away.
      produce(id, "{\"eventId\":\"not an event\"}");
      DeliveryEvent others = event(otherId, DeliveryEvent.Type.STALLED, null);
      DeliveryEvent delivered = event(id, DeliveryEvent.Type.DELIVERED, null);
      produce(otherId, others.toJson().encode());
      produce(id, delivered.toJson().encode());
      await().atMost(WAIT).until(() -> bodies(customer, Addresses.deliveryEvents(id)).stream()
          .anyMatch(body -> delivered.eventId().equals(body.getString("eventId"))));
      await().atMost(WAIT).until(() -> bodies(operator, Addresses.DELIVERY_EVENTS).stream().map(body -> body.getString("eventId")).toList()
          .containsAll(List.of(others.eventId(), delivered.eventId())));
      assertThat(customer.received).as("nothing of the other delivery reaches the customer")
          .noneMatch(message -> message.encode().contains(otherId));
    }
  }

  @Test
  void aLinkHolderIsRefusedAnotherDeliverysEventsAndTheFleets() throws Exception {
    String link = openedLink(startDelivery());
    String otherId = startDelivery().getString("deliveryId");
    for (String address : List.of(Addresses.deliveryEvents(otherId), Addresses.DELIVERY_EVENTS)) {
      try (SockJsClient customer = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(link)) {
        customer.register(address);
        await().atMost(WAIT).until(() -> customer.errors().stream().anyMatch(e -> "access_denied".equals(e.getString("body"))));
        produce(otherId, event(otherId, DeliveryEvent.Type.ARRIVING, null).toJson().encode());
        assertThat(customer.messagesTo(address)).as(address).isEmpty();
      }
    }
  }

  private static DeliveryEvent event(String deliveryId, DeliveryEvent.Type type, JsonObject details) {
    long seq = System.nanoTime();
    return new DeliveryEvent(DeliveryEvent.idOf(deliveryId, type, seq), deliveryId, type, Instant.now().truncatedTo(ChronoUnit.MILLIS),
        new LatLon(-15.79, -47.88), details);
  }

  private static void produce(String deliveryId, String value) throws Exception {
    producer.send(new ProducerRecord<>(Topics.DELIVERY_EVENTS, deliveryId, value)).get();
  }

  private static List<JsonObject> bodies(SockJsClient client, String address) {
    return client.messagesTo(address).stream().map(message -> message.getJsonObject("body")).toList();
  }

  private static Optional<JsonObject> eventNamed(SockJsClient client, String address, String eventId) {
    return bodies(client, address).stream().filter(body -> eventId.equals(body.getString("eventId"))).findFirst();
  }

  /** The delivery's tracking-link token, once the link opens it (a moment after the start, when it is stored). */
  static String openedLink(JsonObject started) {
    String token = started.getString("trackingUrl").substring("/track/".length());
    await().atMost(WAIT).until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(TestStack.shared().baseUrl() + "/api/track/" + token)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    return token;
  }

  /** Starts a delivery on route 1 as the shared stack's admin: the answer of {@code POST /api/deliveries}. */
  static JsonObject startDelivery() throws Exception {
    TestStack stack = TestStack.shared();
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/deliveries"))
        .header("authorization", "Bearer " + stack.adminToken()).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"routeId\":\"1\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new JsonObject(response.body());
  }
}
