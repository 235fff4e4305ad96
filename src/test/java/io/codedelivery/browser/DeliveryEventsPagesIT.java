package io.codedelivery.browser;

import static io.codedelivery.browser.MapPageTestBase.waitUpTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.Topics;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery events as people see them, produced on {@code delivery.events} as the events stage would (the stack runs
 * without the tracking role, so the events on the topic are exactly the ones this test chose, and without the
 * simulation: each delivery's vehicle is a position this test produces): the customer's
 * tracking page fills in its status timeline as they happen (in order of time, each once, a detour not shown), and
 * the operators' console shows them as grouped notifications ("2 running late") that open the delivery on a click
 * and go away when dismissed.
 */
class DeliveryEventsPagesIT {
  /** A point every 300 ms: route 1 (140 points) drives for about 40 s, long enough to watch it on the pages. */
  private static final String INTERVAL_MS = "300";
  private static TestStack stack;
  private static KafkaProducer<String, String> producer;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startStack() {
    Browser.assumeInstalled();
    stack = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, INTERVAL_MS, Setting.MAP_TILES_URL, "",
        Setting.ROLES, "bridge,persistence,web"));
    producer = stack.kafkaProducer();
  }

  @AfterAll
  static void stopStack() {
    if (producer != null) {
      producer.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theCustomerPageShowsTheTimelineAsEventsHappen() throws Exception {
    JsonObject started = start("1");
    String id = started.getString("deliveryId");
    Instant departure = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (Browser browser = Browser.open()) {
      browser.resize(390, 844);
      browser.get(stack.baseUrl() + started.getString("trackingUrl"));
      waitUpTo().until(() -> browser.find("#status-line").getText(), line -> line.startsWith("On the way"));

      // The page listens once it is connected, which has no signal: the same event (same id) until it shows, once.
      DeliveryEvent onItsWay = event(id, DeliveryEvent.Type.STARTED, 0, departure);
      waitUpTo().until(() -> {
        produce(id, onItsWay);
        return timeline(browser);
      }, entries -> !entries.isEmpty());

      // Out of order, a detour, a repeat: the timeline is in order of time, without the detour, each event once.
      produce(id, event(id, DeliveryEvent.Type.ARRIVING, 90, departure.plusSeconds(27 * 60)));
      produce(id, event(id, DeliveryEvent.Type.OFF_ROUTE, 40, departure.plusSeconds(10 * 60)));
      produce(id, event(id, DeliveryEvent.Type.LATE, 50, departure.plusSeconds(12 * 60)));
      produce(id, onItsWay);
      waitUpTo().until(() -> timeline(browser), entries -> entries.size() == 3);
      assertThat(timeline(browser)).containsExactly("On its way", "Running late", "Arriving soon");
      assertThat(browser.findAll("#timeline li time")).extracting(time -> time.getDomAttribute("datetime"))
          .containsExactly(departure.toString().replace("Z", ".000Z"), departure.plusSeconds(12 * 60).toString().replace("Z", ".000Z"),
              departure.plusSeconds(27 * 60).toString().replace("Z", ".000Z"));
      assertThat(browser.findAll("#timeline li time")).allSatisfy(time -> assertThat(time.getText()).matches("\\d{1,2}[:.]\\d\\d.*"));
      // The live region reads out what just came (the late notice, the last to arrive); the list is redrawn silently.
      assertThat((String) browser.js("return document.getElementById('timeline-news').textContent;")).startsWith("Running late");
      assertThat(browser.find("#timeline").getDomAttribute("aria-live")).isNull();
      browser.screenshot("tracking-page-timeline");
    }
  }

  @Test
  void theConsoleGroupsEventsOfItsDeliveriesIntoNotificationsThatOpenTheDelivery() throws Exception {
    try (Browser browser = Browser.openSignedIn(stack)) {
      browser.openPage(stack.baseUrl() + "/");
      String first = start("1").getString("deliveryId");
      String second = start("1").getString("deliveryId");
      waitUpTo().until(() -> browser.deliveryIdsIn("active"), ids -> ids.containsAll(List.of(first, second)));

      // The same event until the console shows it (it listens once connected), then the second delivery's.
      DeliveryEvent firstLate = event(first, DeliveryEvent.Type.LATE, 20, Instant.now());
      waitUpTo().until(() -> {
        produce(first, firstLate);
        return notices(browser);
      }, notices -> !notices.isEmpty());
      // A delivery the console does not show is no news for it; on the same partition, so it comes first.
      produce(second, event(UUID.randomUUID().toString(), DeliveryEvent.Type.DELIVERED, 99, Instant.now()));
      produce(second, event(second, DeliveryEvent.Type.LATE, 25, Instant.now()));
      waitUpTo().until(() -> notices(browser), notices -> notices.equals(List.of("2 running late")));

      browser.find("#event-notices .event-notice-open").click();
      waitUpTo().until(browser::pathAndFragment, path -> path.equals("/#/deliveries/" + second));
      waitUpTo().until(() -> browser.find("#active li.delivery[data-delivery-id='" + second + "']").getDomAttribute("class"),
          classes -> classes.contains("followed"));
      browser.screenshot("console-event-notification");

      browser.find("#event-notices .event-notice-dismiss").click();
      waitUpTo().until(() -> notices(browser), List::isEmpty);
    }
  }

  private static List<String> timeline(Browser browser) {
    return browser.findAll("#timeline li .timeline-label").stream().map(label -> label.getText()).toList();
  }

  private static List<String> notices(Browser browser) {
    return browser.findAll("#event-notices .event-notice-open").stream().map(button -> button.getText()).toList();
  }

  private static DeliveryEvent event(String deliveryId, DeliveryEvent.Type type, long seq, Instant at) {
    return new DeliveryEvent(DeliveryEvent.idOf(deliveryId, type, seq), deliveryId, type, at, new LatLon(-15.79, -47.88), null);
  }

  private static void produce(String key, DeliveryEvent event) throws Exception {
    producer.send(new ProducerRecord<>(Topics.DELIVERY_EVENTS, key, event.toJson().encode())).get();
  }

  /**
   * POST /api/deliveries as the stack's admin, then the first position of its vehicle, on the way: the new delivery's
   * id and tracking link.
   */
  private JsonObject start(String routeId) throws Exception {
    HttpResponse<String> response = http.send(stack.request("/api/deliveries").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("routeId", routeId).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST /api/deliveries: %s", response.body()).isEqualTo(202);
    JsonObject started = new JsonObject(response.body());
    String id = started.getString("deliveryId");
    Position onTheWay = new Position(id, routeId, null, 0, new LatLon(-15.79, -47.88), false, Instant.now());
    producer.send(new ProducerRecord<>(Topics.NEW_POSITION, id, onTheWay.toJson().encode())).get();
    return started;
  }
}
