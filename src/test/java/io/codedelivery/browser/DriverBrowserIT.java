package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.browser.Browser.PageDelivery;
import io.codedelivery.config.Setting;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A phone's browser as the tracker, end to end in two real (headless) Chromiums: the driver page
 * ({@code /driver#/devices/<id>}) with location allowed, its GPS replaced by DevTools'
 * {@code Emulation.setGeolocationOverride} moved along route 1 a few times a second, posts OsmAnd fixes to the ingest
 * port of the page's own host (as {@code /api/config} says); an operator's map page ({@code /}) sees the delivery's
 * vehicle drive; the driver presses Delivered (two taps) and the operator page shows the delivery finished. The
 * arrival dwell is an hour here, so only the driver's press can end it. The driver page is a 360 px phone screen, which
 * it must fit without sideways scrolling, and says the location is shared while readings come (DevTools' override,
 * like a GPS losing its signal for a moment, reports "position unavailable" before each new reading).
 */
class DriverBrowserIT {
  private static final Duration WAIT = Browser.WAIT;
  /** How often the emulated GPS moves on: a few times a second, more often than the page keeps fixes (1 a second). */
  private static final Duration GPS_EVERY = Duration.ofMillis(250);
  /** Every second point of route 1 (about 100 m apart): a city drive at fast-forward, ~18 s. */
  private static final int ROUTE_STRIDE = 2;
  private static final int STANDING_TICKS = 12;
  private static TestStack stack;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startStack() {
    Browser.assumeInstalled();
    stack = TestStack.start(Map.of(Setting.MAP_TILES_URL, "", Setting.ARRIVAL_DWELL_SECONDS, "3600"));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }

  private static ConditionFactory waitUpTo() {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
  }

  @Test
  void aPhonesBrowserDrivesTheDeliveryTheOperatorWatchesItAndTheDriverMarksItDelivered() throws Exception {
    Route route = stack.app().routes().require("1");
    List<LatLon> drive = IntStream.iterate(0, i -> i < route.points().size() - 1, i -> i + ROUTE_STRIDE)
        .mapToObj(route.points()::get).collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
    // Then standing at the door for a few seconds, as a GPS goes on reporting: the page keeps a fix a second at most,
    // so the door itself is one of them.
    IntStream.range(0, STANDING_TICKS).forEach(tick -> drive.add(route.end()));
    String deviceId = "phone-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(post("/api/devices", new JsonObject().put("uniqueId", deviceId).put("name", "Van 7")).statusCode()).isEqualTo(201);

    try (Browser operator = Browser.openSignedIn(stack); Browser phone = Browser.open()) {
      operator.openPage(stack.baseUrl() + "/");
      HttpResponse<String> assigned = post("/api/deliveries", new JsonObject().put("deviceId", deviceId)
          .put("destination", route.end().toJson()).put("routeId", "1").put("reference", "order-42"));
      assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(202);
      String id = new JsonObject(assigned.body()).getString("deliveryId");
      // Announced live to a page already open.
      waitUpTo().until(() -> operator.deliveryIdsIn("active").contains(id));

      phone.resize(360, 740);
      phone.grantGeolocation(stack.baseUrl());
      phone.placeAt(drive.get(0).lat(), drive.get(0).lon(), 8);
      // The driver signs in on the phone first: the driver page's link leads through the sign-in page and back.
      phone.get(stack.baseUrl() + "/driver#/devices/" + deviceId);
      phone.waiting().until(ExpectedConditions.urlContains("/signin"));
      phone.submitSignIn(Browser.ADMIN, TestStack.ADMIN_PASSWORD);
      phone.waiting().until(ExpectedConditions.urlToBe(stack.baseUrl() + "/driver#/devices/" + deviceId));
      waitUpTo().until(() -> phone.find("#delivery-status").getText(), "Delivery assigned."::equals);
      assertThat(phone.find("#device-id").getDomProperty("value")).isEqualTo(deviceId);
      assertThat(phone.find("#delivery-destination").getText())
          .isEqualTo(String.format(Locale.ROOT, "%.5f, %.5f", route.end().lat(), route.end().lon()));
      assertThat(phone.find("#connection-state").getText()).isEqualTo("not sent yet");
      phone.find("#start-tracking").click();
      waitUpTo().until(() -> phone.find("#location-status").getText(), text -> text.startsWith("Sharing location"));
      waitUpTo().until(() -> phone.find("#connection-state").getText(), "online"::equals);
      phone.screenshot("driver-sharing-location");

      // The GPS moves on while the operator watches: the phone's browser is used by the drive alone meanwhile.
      CompletableFuture<Void> driven = driveAlong(phone, drive);
      List<List<Double>> spots = new ArrayList<>();
      waitUpTo().until(() -> {
        List<Double> spot = operator.delivery(id).vehicle();
        if (spot != null && (spots.isEmpty() || !spots.get(spots.size() - 1).equals(spot))) {
          spots.add(spot);
        }
        return spots.size() >= 4;
      });
      operator.screenshot("operator-sees-phone-driving");
      driven.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(spots).as("the vehicle on the operator's map moved on, spot after spot").doesNotHaveDuplicates();

      // Every fix the page took was accepted, and the whole drive reached the operator.
      waitUpTo().until(() -> phone.find("#queue-length").getText(), "0"::equals);
      assertThat(phone.find("#last-sent").getText()).isNotEqualTo("never");
      assertThat(phone.find("#send-problem").isDisplayed()).isFalse();
      JsonObject onTheWay = waitUpTo().until(() -> getJson("/api/deliveries/" + id),
          delivery -> route.end().toJson().equals(delivery.getJsonObject("lastPosition")));
      assertThat(onTheWay.getString("status")).isEqualTo("in-transit");
      assertThat(onTheWay.getDouble("progress")).isGreaterThan(0.9);
      waitUpTo().until(() -> operator.delivery(id).seqs().contains(onTheWay.getLong("lastSeq")));
      waitUpTo().until(() -> phone.find("#delivery-status").getText(), "Delivery on the way."::equals);
      assertThat(phone.find("#delivery-distance").getText()).isEqualTo("0 m away");
      assertThat(phone.find("#location-status").getText()).as("the location is shared, no problem shown").startsWith("Sharing location");
      assertThat((Boolean) phone.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"))
          .as("the page fits a 360 px phone: no sideways scrolling").isTrue();
      phone.screenshot("driver-at-destination");

      // Two taps: the first only asks.
      phone.find("#delivered").click();
      assertThat(phone.find("#confirm-delivered").isDisplayed()).isTrue();
      assertThat(getJson("/api/deliveries/" + id).getString("status")).as("one tap ends nothing").isEqualTo("in-transit");
      phone.screenshot("driver-confirm-delivered");
      phone.find("#confirm-delivered").click();
      waitUpTo().until(() -> phone.find("#delivered-result").getText(), text -> text.startsWith("Marked delivered at ")
          && text.endsWith("(order order-42)."));
      waitUpTo().until(() -> phone.find("#delivery-status").getText(), "No active delivery for this device."::equals);
      phone.screenshot("driver-delivered");

      PageDelivery finished = waitUpTo().until(() -> operator.delivery(id), PageDelivery::finished);
      waitUpTo().until(() -> operator.deliveryIdsIn("recent").contains(id));
      assertThat(operator.deliveryIdsIn("active")).doesNotContain(id);
      operator.screenshot("operator-sees-delivered");
      assertThat(getJson("/api/deliveries/" + id).getString("status")).isEqualTo("delivered");
      JsonArray stored = new JsonArray(get("/api/deliveries/" + id + "/positions").body());
      assertThat(operator.delivery(id).seqs()).as("the operator's page holds every stored position once, in order")
          .isEqualTo(stored.stream().map(p -> ((JsonObject) p).getLong("seq")).toList());
      assertThat(finished.seqs()).isNotEmpty();

      assertThat(operator.severeConsoleEntries()).isEmpty();
      // The page asks for the device's delivery; once it is delivered the server's answer is 404, which the browser logs.
      assertThat(phone.severeConsoleEntries(entry -> isNoActiveDelivery(entry, deviceId))).isEmpty();
    }
  }

  /**
   * Moves the phone's emulated GPS to the next point every {@link #GPS_EVERY} from a scheduled sender, so the pace is
   * a GPS's and not the test's; completes once it stands at the last point.
   */
  private static CompletableFuture<Void> driveAlong(Browser phone, List<LatLon> drive) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger(1);
    ScheduledExecutorService gps = Executors.newSingleThreadScheduledExecutor();
    gps.scheduleAtFixedRate(() -> {
      int index = next.getAndIncrement();
      try {
        if (index < drive.size()) {
          // A GPS's accuracy varies from reading to reading, so each one is new to the page even standing still.
          phone.placeAt(drive.get(index).lat(), drive.get(index).lon(), 8 + index % 3);
        } else {
          done.complete(null);
        }
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, GPS_EVERY.toMillis(), GPS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return done.whenComplete((result, failure) -> gps.shutdownNow());
  }

  private static boolean isNoActiveDelivery(LogEntry entry, String deviceId) {
    return entry.getMessage().contains("/api/devices/" + deviceId + "/delivery") && entry.getMessage().contains("404");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(stack.request(path).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject getJson(String path) throws Exception {
    return new JsonObject(get(path).body());
  }

  private HttpResponse<String> post(String path, JsonObject body) throws Exception {
    return http.send(stack.request(path).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
